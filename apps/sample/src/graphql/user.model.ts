import { Field, ID, ObjectType } from '@nestjs/graphql';

/** The who-am-I of `GET /api/me`, as a GraphQL type. */
@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field()
  username!: string;

  @Field()
  email!: string;

  @Field()
  isStaff!: boolean;

  @Field()
  isSuperuser!: boolean;

  @Field(() => [String])
  groups!: string[];

  @Field(() => [String])
  permissions!: string[];
}
