import { toJsonText } from "../../../src/local/runtime/lambda/json-text";

describe("toJsonText: a payload as the JSON text Invoke carries", () => {
  test("is JSON.stringify's text for ordinary payloads", () => {
    const payload = { a: [1, "x", null, true, { b: undefined, c: 2 }], d: "é\n\u202e", e: undefined };
    expect(toJsonText(payload)).toBe(JSON.stringify(payload));
    expect(toJsonText(undefined)).toBe("null");
  });

  test("writes payloads nested deeper than JSON.stringify can (it throws a RangeError), with the same rules", () => {
    const depth = 20_000;
    let deep: unknown = { k: [1, undefined, Number.NaN], skip: undefined };
    for (let i = 0; i < depth; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = toJsonText(deep);
    expect(text).toBe(`${"[".repeat(depth)}{"k":[1,null,null]}${"]".repeat(depth)}`);
    expect(() => JSON.parse(text)).not.toThrow();
  });
});
