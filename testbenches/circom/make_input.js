// Writes a circuit's input.json from a seed (deterministic, so fixtures are
// reproducible): node make_input.js NAME SEED > input.json
"use strict";
const crypto = require("crypto");
const [name, seed = "1"] = process.argv.slice(2);
const r = 21888242871839275222246405745257275088548364400416711008238296710632522055617n;

let counter = 0;
// Uniform-ish field elements: 64 bytes of SHA-256 in counter mode, mod r.
function field() {
    const h = (i) => crypto.createHash("sha256").update(`${seed}/${counter}/${i}`).digest("hex");
    counter++;
    return (BigInt("0x" + h(0) + h(1)) % r).toString();
}
function bit() {
    return (BigInt(field()) & 1n).toString();
}

const depth = (n) => ({
    secret: field(),
    externalNullifier: field(),
    pathElements: Array.from({ length: n }, field),
    pathIndices: Array.from({ length: n }, bit),
});

const inputs = {
    multiply: () => ({ a: field(), b: field(), c: field() }),
    chain_20: () => ({ a: field(), b: field(), c: field() }),
    merkle_8: () => depth(8),
    merkle_40: () => depth(40),
    sha256_512: () => ({ in: Array.from({ length: 512 }, bit) }),
};
if (!inputs[name]) {
    console.error(`make_input.js: unknown circuit ${name} (one of ${Object.keys(inputs).join(", ")})`);
    process.exit(2);
}
process.stdout.write(JSON.stringify(inputs[name](), null, 1) + "\n");
