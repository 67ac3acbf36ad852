// validate_responses.mjs: checks recorded API responses against schemas/api/*.schema.json
// with a real JSON Schema (2020-12) validator, ajv.
//
//   node tests/service/validate_responses.mjs SCHEMA_DIR RECORDS.jsonl
//
// RECORDS.jsonl holds one object a line, written by the service suite
// (tests/service/service_harness.cc):
//   {"schema": "job.schema.json", "what": "GET /api/v1/jobs/3 -> 200", "body": {...}}
// Every schema in SCHEMA_DIR is loaded first so relative $refs
// ("result.schema.json") resolve through their $id.
//
// Prints one line a failure naming the record and ajv's errors; a summary
// line last. Exit 0 when every record validates, 1 when one does not,
// 2 on bad arguments or an unreadable file.
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaDir, recordsFile] = process.argv.slice(2);
if (!schemaDir || !recordsFile) {
  console.error("usage: validate_responses.mjs SCHEMA_DIR RECORDS.jsonl");
  process.exit(2);
}

// strict: false because the schemas use annotation keywords ("description"
// inside properties, "default") freely; unknown *formats* still fail.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const byFile = new Map();
for (const f of fs.readdirSync(schemaDir).filter((n) => n.endsWith(".schema.json")).sort()) {
  const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, f), "utf8"));
  ajv.addSchema(schema);
  byFile.set(f, schema.$id);
}

let ok = 0;
let bad = 0;
const lines = fs.readFileSync(recordsFile, "utf8").split("\n").filter((l) => l.trim() !== "");
for (const [i, line] of lines.entries()) {
  let rec;
  try {
    rec = JSON.parse(line);
  } catch (e) {
    console.log(`record ${i + 1}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  const id = byFile.get(rec.schema);
  const validate = id && ajv.getSchema(id);
  if (!validate) {
    console.log(`record ${i + 1} (${rec.what}): no schema ${rec.schema} in ${schemaDir}`);
    bad++;
    continue;
  }
  if (validate(rec.body)) {
    ok++;
  } else {
    bad++;
    const errs = validate.errors
      .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
      .join("; ");
    console.log(`INVALID ${rec.what} against ${rec.schema}: ${errs}`);
  }
}
console.log(`validate_responses: ${ok} valid, ${bad} invalid (${lines.length} records)`);
process.exit(bad ? 1 : 0);
