import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { NaiveDateTime, PyDate, unpickle } from './index.js';

// pickle.dumps({'_auth_user_id': '1', 'l': [1, 2.5, None, True, (b'x', 'y')], 'big': 2**70,
//   'when': datetime(2026,1,2,3,4,5,6, tzinfo=timezone.utc), 'd': date(2026,2,28)}, protocol=N)
const FIXTURES: Record<number, string> = {
  0: '286470300a565f617574685f757365725f69640a70310a56310a70320a73566c0a70330a286c70340a49310a6146322e350a614e614930310a6128635f636f646563730a656e636f64650a70350a2856780a70360a566c6174696e310a70370a7470380a5270390a56790a7031300a747031310a6173566269670a7031320a4c313138303539313632303731373431313330333432344c0a73567768656e0a7031330a636461746574696d650a6461746574696d650a7031340a2867350a285607ea01020304055c75303030305c7530303030060a7031350a67370a747031360a527031370a636461746574696d650a74696d657a6f6e650a7031380a28636461746574696d650a74696d6564656c74610a7031390a2849300a49300a49300a747032300a527032310a747032320a527032330a747032340a527032350a7356640a7032360a636461746574696d650a646174650a7032370a2867350a285607ea021c0a7032380a67370a747032390a527033300a747033310a527033320a732e',
  2: '80027d710028580d0000005f617574685f757365725f69647101580100000031710258010000006c71035d7104284b014740040000000000004e88635f636f646563730a656e636f64650a7105580100000078710658060000006c6174696e317107867108527109580100000079710a86710b655803000000626967710c8a0900000000000000004058040000007768656e710d636461746574696d650a6461746574696d650a710e6805580b00000007c3aa0102030405000006710f6807867110527111636461746574696d650a74696d657a6f6e650a7112636461746574696d650a74696d6564656c74610a71134b004b004b00877114527115857116527117867118527119580100000064711a636461746574696d650a646174650a711b6805580500000007c3aa021c711c680786711d52711e85711f527120752e',
  5: '800595c0000000000000007d94288c0d5f617574685f757365725f6964948c0131948c016c945d94284b014740040000000000004e88430178948c0179948694658c03626967948a090000000000000000408c047768656e948c086461746574696d65948c086461746574696d65949394430a07ea010203040500000694680a8c0874696d657a6f6e65949394680a8c0974696d6564656c74619493944b004b004b008794529485945294869452948c016494680a8c0464617465949394430407ea021c9485945294752e',
};

describe('unpickle', () => {
  it.each([0, 2, 5])('reads the safe subset (protocol %i)', (protocol) => {
    const value = unpickle(Buffer.from(FIXTURES[protocol], 'hex')) as Record<string, unknown>;
    expect(value._auth_user_id).toBe('1');
    expect(value.l).toEqual([1, 2.5, null, true, [Buffer.from('x'), 'y']]);
    expect(value.big).toBe(2n ** 70n);
    expect(value.when).toEqual(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0)));
    expect(value.d).toEqual(new PyDate(2026, 2, 28));
    expect((value.d as PyDate).toISOString()).toBe('2026-02-28');
  });

  it('formats naive datetimes like isoformat()', () => {
    expect(new NaiveDateTime(2026, 12, 6, 2, 1, 53, 778659).toISOString()).toBe('2026-12-06T02:01:53.778659');
    expect(new NaiveDateTime(2026, 1, 2).toISOString()).toBe('2026-01-02T00:00:00');
    expect(new NaiveDateTime(2026, 1, 2, 12).toDate(60).toISOString()).toBe('2026-01-02T11:00:00.000Z');
  });

  it('refuses truncation at every byte', () => {
    for (const hex of Object.values(FIXTURES)) {
      const full = Buffer.from(hex, 'hex');
      for (let i = 0; i < full.length; i++) expect(() => unpickle(full.subarray(0, i))).toThrow(SerializationError);
    }
  });

  it.each([
    ['cyclic list', '80025d71006800612e'],
    ['unknown opcode (PERSID)', '50310a2e'],
    ['INST', '286935330a4f626a0a2e'],
    ['NEWOBJ', '8002635f5f6d61696e5f5f0a430a298171002e'],
    ['BUILD', '80027d71004e622e'],
    ['EXT1', '8002820189'],
    ['GET of missing memo', '800268052e'],
    ['REDUCE without tuple', '8002635f636f646563730a656e636f64650a4e522e'],
    ['bad _codecs.encode encoding', '8002635f636f646563730a656e636f64650a58010000007858050000007574662d3886522e'],
    ['bare global', '8002636461746574696d650a646174650a2e'],
    ['APPEND to a tuple', '8002294e612e'],
    ['SETITEM on a list', '80025d4e4e732e'],
    ['stack underflow', '80022e'],
    ['MARK underflow', '8002652e'],
    ['protocol 6', '80062e'],
    ['invalid UTF-8', '80028c01ff2e'],
    ['bad datetime state', '8004636461746574696d650a6461746574696d650a43010085522e'],
    ['month 13', '8004636461746574696d650a6461746574696d650a430a07ea0d0203040500000685522e'],
    ['huge BINBYTES8', '80048effffffffffffff7f2e'],
    ['no STOP', '80024e'],
  ])('refuses %s', (_, hex) => {
    expect(() => unpickle(Buffer.from(hex, 'hex'))).toThrow(SerializationError);
  });

  it('bounds size and depth', () => {
    expect(() => unpickle(Buffer.from(FIXTURES[5], 'hex'), { maxSize: 10 })).toThrow(/larger/);
    const deep = Buffer.concat([Buffer.from('8002', 'hex'), Buffer.alloc(200, 0x5d), Buffer.from('61'.repeat(199) + '2e', 'hex')]);
    expect(() => unpickle(deep)).toThrow(/deeply/);
    expect(unpickle(deep, { maxDepth: 300 })).toBeDefined();
  });
});
