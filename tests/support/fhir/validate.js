#!/usr/bin/env node
// Validates FHIR R4 JSON documents with the npm package `fhir` (FHIR.js), a
// validator nobody on this project wrote. Each argument is a file holding one
// document; every error is printed as "file: location: message".
// Exit 0: all valid; 1: an error in some document; 2: cannot run at all.
'use strict';
const fs = require('fs');
let Fhir;
try {
  ({ Fhir } = require('fhir'));
} catch (e) {
  console.error('the npm package fhir is missing: run scripts/bootstrap.sh (npm ci in tests/support/fhir)');
  process.exit(2);
}
const fhir = new Fhir();
let failed = false;
for (const file of process.argv.slice(2)) {
  let document;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${file}: not JSON: ${e.message}`);
    failed = true;
    continue;
  }
  const result = fhir.validate(document, { errorOnUnexpected: true });
  for (const message of result.messages) {
    if (message.severity !== 'error') continue;
    console.log(`${file}: ${message.location}: ${message.message}`);
    failed = true;
  }
  if (!result.valid) failed = true;
}
process.exit(failed ? 1 : 0);
