import { Inject } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from './django-bridge.constants.js';

/**
 * Injects the bridge's resolved options (ResolvedBridgeOptions: Django's defaults filled in,
 * everything validated), e.g. `constructor(@InjectDjangoBridgeOptions() options: ResolvedBridgeOptions)`.
 */
export const InjectDjangoBridgeOptions = (): PropertyDecorator & ParameterDecorator => Inject(DJANGO_BRIDGE_OPTIONS);
