#!/usr/bin/env node
// EVM helpers of zkid's interop test (cli/tests/interop_evm.rs), using the pinned tools of
// this folder (`bash install.sh` first). Every command prints one JSON value on stdout and
// exits non-zero with the reason on stderr.
//
//   node evm.mjs compile FILE.sol
//       Compiles with solc (npm `solc`, standard JSON; optimizer on, 200 runs; no metadata
//       trailer, so bytecode depends on the code only). Prints
//       {"solc": version, "contracts": {NAME: {"bytecode", "deployedBytecode",
//       "methodIdentifiers"}}, "warnings": [...]}; compile errors exit 1.
//   node evm.mjs snarkjs-verifier verification_key.json OUT.sol
//       Renders snarkjs's own Groth16 verifier template for a snarkjs verification key,
//       exactly as `snarkjs zkey export solidityverifier` does (ejs.render(template, vk)).
//   node evm.mjs snarkjs-calldata proof.json public.json
//       What `snarkjs zkey export soliditycalldata public.json proof.json` prints, as a JSON
//       string.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`evm.mjs: ${message}\n`);
  process.exit(1);
}

function compile(file) {
  const solc = require("solc");
  const input = {
    language: "Solidity",
    sources: { [basename(file)]: { content: readFileSync(file, "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      metadata: { appendCBOR: false },
      outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const diagnostics = out.errors ?? [];
  const errors = diagnostics.filter((e) => e.severity === "error");
  if (errors.length > 0) fail(`solc ${solc.version()} rejected ${file}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contracts = {};
  for (const [name, c] of Object.entries(out.contracts?.[basename(file)] ?? {})) {
    contracts[name] = {
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      methodIdentifiers: c.evm.methodIdentifiers,
    };
  }
  return { solc: solc.version(), contracts, warnings: diagnostics.filter((e) => e.severity !== "error").map((e) => e.formattedMessage) };
}

function snarkjsVerifier(vkFile, outFile) {
  const ejs = require("ejs");
  const template = readFileSync(join(here, "node_modules/snarkjs/templates/verifier_groth16.sol.ejs"), "utf8");
  const vk = JSON.parse(readFileSync(vkFile, "utf8"));
  writeFileSync(outFile, ejs.render(template, vk));
  return outFile;
}

async function snarkjsCalldata(proofFile, publicFile) {
  const snarkjs = await import("snarkjs");
  const proof = JSON.parse(readFileSync(proofFile, "utf8"));
  const pub = JSON.parse(readFileSync(publicFile, "utf8"));
  return snarkjs.groth16.exportSolidityCallData(proof, pub);
}

const [command, ...args] = process.argv.slice(2);
try {
  let result;
  if (command === "compile" && args.length === 1) result = compile(args[0]);
  else if (command === "snarkjs-verifier" && args.length === 2) result = snarkjsVerifier(args[0], args[1]);
  else if (command === "snarkjs-calldata" && args.length === 2) result = await snarkjsCalldata(args[0], args[1]);
  else fail("usage: evm.mjs compile FILE.sol | snarkjs-verifier VK.json OUT.sol | snarkjs-calldata PROOF.json PUBLIC.json");
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // snarkjs may keep worker threads alive; the answer is written, so leave now.
  process.exit(0);
} catch (e) {
  fail(e?.stack ?? String(e));
}
