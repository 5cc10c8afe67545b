import {
  databaseErrorShown,
  keyShown,
  quotedMasked,
  runErrorShown,
  sqlStateShown,
  valueShape,
} from '../../../src/providers/value-shape.js';

describe('what a pull request or a check run may show of a row', () => {
  it('shows a value by its shape: its punctuation stays, what it says does not', () => {
    expect(valueShape('{"Name": "Ann", "age": 42')).toBe('{"xxxx": "xxx", "xxx": xx');
    // Case and digits would tell apart the characters of a hex or base64 secret: all are x.
    expect(valueShape('$2b$12$R9h/cIPz0gi.URNNX3kh2O')).toBe('$xx$xx$xxx/xxxxxxx.xxxxxxxxxx');
    // Marks, symbols and emoji carry meaning too.
    expect(valueShape('Zoë ภาษา 🔑€')).toBe('xxx xxxx xx');
  });

  it('cuts a long value at 40 characters, counting characters rather than UTF-16 units', () => {
    expect(valueShape('a'.repeat(100))).toBe(`${'x'.repeat(39)}…`);
    expect([...valueShape('😀'.repeat(50))]).toHaveLength(40);
  });

  it('shows the keys of an integer type as written, and any other key by its shape', () => {
    expect(keyShown('-9223372036854775808', 'bigint')).toBe('-9223372036854775808');
    expect(keyShown('42', 'int unsigned')).toBe('42');
    // A national id of digits, or a session token, is data even when it looks like an id.
    expect(keyShown('078051120', 'text')).toBe('xxxxxxxxx');
    expect(keyShown('0b7e4a1c-3f2d-4c1e-9a5b-2d6f8e0c1a3b', 'uuid')).toBe('xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
    expect(keyShown('ann@example.com', undefined)).toBe('xxx@xxxxxxx.xxx');
  });

  it('names a SQLSTATE in words that quote nothing', () => {
    expect(sqlStateShown('22P02')).toBe('invalid input syntax (SQLSTATE 22P02)');
    expect(sqlStateShown('22999')).toBe('data exception (SQLSTATE 22999)');
    expect(sqlStateShown('42P01')).toBe('no such relation (SQLSTATE 42P01)');
    expect(sqlStateShown(undefined)).toBe('an error (no SQLSTATE)');
  });

  it("shows a database error's text only where it cannot hold a row's value", () => {
    const error = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(databaseErrorShown(error('22008', 'date field value out of range: 2000-13-37'))).toBe(
      'date or time field out of range (SQLSTATE 22008)',
    );
    expect(databaseErrorShown(error('42P01', 'relation "$2b$12$R9h" does not exist'))).toBe(
      'no such relation (SQLSTATE 42P01)',
    );
    expect(databaseErrorShown(error('42501', 'permission denied for table user_profile'))).toBe(
      'permission denied for table user_profile (SQLSTATE 42501)',
    );
    expect(databaseErrorShown(error('57014', 'canceling statement due to statement timeout'))).toBe(
      'canceling statement due to statement timeout (SQLSTATE 57014)',
    );
    expect(
      databaseErrorShown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it("masks what a tool's output line quotes, from the first quote to the last", () => {
    expect(quotedMasked("Error copying rows: Incorrect integer value: 'hunter2' for column `age` at row 1")).toBe(
      "Error copying rows: Incorrect integer value: 'xxxxxxx' for column `age` at row 1",
    );
    // A quote inside the value does not end the mask early.
    expect(quotedMasked(`bad value "{"token": "sk_live_abc"}" here`)).toBe(`bad value "{"xxxxx": "xx_xxxx_xxx"}" here`);
    expect(quotedMasked('Copying `shop`.`t`: 45% 00:30 remain')).toBe('Copying `shop`.`t`: 45% 00:30 remain');
  });

  it("keeps a run's error readable, masking only what a data error quotes", () => {
    const pg = (code: string, message: string) => Object.assign(new Error(message), { code });
    const mysql = (sqlState: string, message: string) => Object.assign(new Error(message), { code: 'ER_X', sqlState });
    expect(runErrorShown(pg('22P02', 'invalid input syntax for type integer: "$2b$12$R9h"'))).toBe(
      'invalid input syntax (SQLSTATE 22P02)',
    );
    expect(runErrorShown(pg('42701', 'column "tier" of relation "t" already exists'))).toBe(
      'column "tier" of relation "t" already exists',
    );
    expect(runErrorShown(mysql('23000', "Duplicate entry 'ann@example.com' for key 'email'"))).toBe(
      "Duplicate entry 'xxx@xxxxxxx.xxx' xxx xxx 'xxxxx'", // first quote to last: safe over readable
    );
    expect(runErrorShown(mysql('42S21', "Duplicate column name 'age'"))).toBe("Duplicate column name 'age'");
  });
});
