import { errorShown, keyShown, valueShape } from '../../../src/providers/value-shape.js';

describe('what a pull request may show of a row', () => {
  it('shows a value by its shape: why it fails stays visible, what it says does not', () => {
    expect(valueShape('{"Name": "Ann", "age": 42')).toBe('{"Xxxx": "Xxx", "xxx": 99');
    expect(valueShape('$2b$12$R9h/cIPz0gi.URNNX3kh2O')).toBe('$9x$99$X9x/xXXx9xx.XXXXX9xx9X');
    expect(valueShape('Zoë 三')).toBe('Xxx x');
  });

  it('cuts a long value at 40 characters, counting characters rather than UTF-16 units', () => {
    expect(valueShape('a'.repeat(100))).toBe(`${'x'.repeat(39)}…`);
    expect([...valueShape('😀'.repeat(50))]).toHaveLength(40);
  });

  it('shows numeric and UUID keys as written, and any other key by its shape', () => {
    expect(keyShown('42')).toBe('42');
    expect(keyShown('-9223372036854775808')).toBe('-9223372036854775808');
    expect(keyShown('0b7e4a1c-3f2d-4c1e-9a5b-2d6f8e0c1a3b')).toBe('0b7e4a1c-3f2d-4c1e-9a5b-2d6f8e0c1a3b');
    expect(keyShown('ann@example.com')).toBe('xxx@xxxxxxx.xxx');
  });

  it("masks the value a database's error quotes, and the value wherever else it appears", () => {
    expect(errorShown('invalid input syntax for type integer: "s3cret"', 's3cret')).toBe(
      'invalid input syntax for type integer: "x9xxxx"',
    );
    expect(errorShown('invalid value "2024" for "YYYY"', 'a2024')).toBe('invalid value "9999" for "XXXX"');
    expect(errorShown('value hunter2 is out of range', 'hunter2')).toBe('value xxxxxx9 is out of range');
    expect(errorShown('invalid input syntax for type json', 'not json')).toBe('invalid input syntax for type json');
  });
});
