#!/usr/bin/env python3
"""check_profiles.py: validate every device-profiles/*.json against
schemas/device-profile.schema.json, and check each profile against the
firmware's board folder (firmware-harness/boards/<id>/): clock and baud in
board.c, FLASH/RAM/MODEL regions and stack size in memory.ld, core/emulated/
DWT in firmware-harness/CMakeLists.txt, QEMU shift and clock in run_smoke.sh.

    python3 device-profiles/check_profiles.py        # exit 0 when all pass

Needs only Python 3.8+. If the `jsonschema` package (>= 4.0, draft 2020-12)
is importable it is used as well; otherwise the built-in validator below
covers exactly the keywords the schema uses and rejects any other keyword, so
a schema change cannot be silently ignored. It first checks that it rejects a
few broken profiles, so a validator that accepts everything fails the test.
"""
import copy
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "schemas", "device-profile.schema.json")
BOARDS = os.path.join(ROOT, "firmware-harness", "boards")
FW_CMAKE = os.path.join(ROOT, "firmware-harness", "CMakeLists.txt")

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def validate(inst, schema, root, path="$"):
    """Returns a list of error strings (empty: valid). Draft 2020-12 subset."""
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    errs = []
    for key in schema:
        if key not in ANNOTATIONS | {"type", "required", "properties", "additionalProperties",
                                      "enum", "const", "pattern", "minLength", "minimum",
                                      "maximum", "exclusiveMinimum", "oneOf", "if", "then",
                                      "else", "$ref"}:
            raise ValueError(f"schema keyword '{key}' at {path} is not supported by this checker")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        errs += validate(inst, target, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](inst) for t in types):
            return errs + [f"{path}: expected {'/'.join(types)}, got {type(inst).__name__}"]
    if "enum" in schema and inst not in schema["enum"]:
        errs.append(f"{path}: {inst!r} not one of {schema['enum']}")
    if "const" in schema and inst != schema["const"]:
        errs.append(f"{path}: must be {schema['const']!r}")
    if isinstance(inst, str):
        if "pattern" in schema and not re.search(schema["pattern"], inst):
            errs.append(f"{path}: {inst!r} does not match {schema['pattern']}")
        if len(inst) < schema.get("minLength", 0):
            errs.append(f"{path}: shorter than {schema['minLength']}")
    if TYPES["number"](inst):
        if "minimum" in schema and inst < schema["minimum"]:
            errs.append(f"{path}: {inst} < minimum {schema['minimum']}")
        if "maximum" in schema and inst > schema["maximum"]:
            errs.append(f"{path}: {inst} > maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and inst <= schema["exclusiveMinimum"]:
            errs.append(f"{path}: {inst} <= exclusiveMinimum {schema['exclusiveMinimum']}")
    if isinstance(inst, dict):
        for req in schema.get("required", []):
            if req not in inst:
                errs.append(f"{path}: missing required '{req}'")
        props = schema.get("properties", {})
        for k, v in inst.items():
            if k in props:
                errs += validate(v, props[k], root, f"{path}.{k}")
            elif "additionalProperties" in schema:
                errs += validate(v, schema["additionalProperties"], root, f"{path}.{k}")
    if "oneOf" in schema:
        ok = [s for s in schema["oneOf"] if not validate(inst, s, root, path)]
        if len(ok) != 1:
            errs.append(f"{path}: matches {len(ok)} of the oneOf alternatives (need exactly 1)")
    if "if" in schema:
        branch = "then" if not validate(inst, schema["if"], root, path) else "else"
        if branch in schema:
            errs += validate(inst, schema[branch], root, path)
    return errs


def parse_memory_ld(board):
    text = open(os.path.join(BOARDS, board, "memory.ld")).read()
    units = {"": 1, "K": 1024, "M": 1024 * 1024}
    regions = {}
    for m in re.finditer(r"(\w+)\s*\([rwx]+\)\s*:\s*ORIGIN\s*=\s*(0x[0-9A-Fa-f]+),\s*LENGTH\s*=\s*(\d+)([KM]?)", text):
        regions[m.group(1)] = (int(m.group(2), 16), int(m.group(3)) * units[m.group(4)])
    stack = re.search(r"HB_STACK_SIZE\s*=\s*(\d+)([KM]?)", text)
    return regions, int(stack.group(1)) * units[stack.group(2)]


def cross_check(p):
    """Profile vs firmware sources; returns error strings."""
    errs = []
    bid = p["id"]
    if not os.path.isdir(os.path.join(BOARDS, bid)):
        return [f"{bid}: no firmware board folder boards/{bid}/"]
    board_c = open(os.path.join(BOARDS, bid, "board.c")).read()
    m = re.search(r'kInfo = \{"([^"]+)", "([^"]+)", (\d+)u, (\d+)u, (\d)u\}', board_c)
    if not m:
        return [f"{bid}: cannot find kInfo in board.c"]
    if (m.group(1), m.group(2)) != (bid, p["core"]["name"]):
        errs.append(f"{bid}: board.c says id/core {m.group(1)}/{m.group(2)}")
    if int(m.group(3)) != p["clock_hz"]:
        errs.append(f"{bid}: clock_hz {p['clock_hz']} but board.c cpu_hz {m.group(3)}")
    if int(m.group(4)) != p["uart"]["baud"]:
        errs.append(f"{bid}: baud {p['uart']['baud']} but board.c {m.group(4)}")
    if bool(int(m.group(5))) != p["emulated"]:
        errs.append(f"{bid}: emulated flag differs from board.c")
    regions, stack = parse_memory_ld(bid)
    want = {"FLASH": p["memory"]["flash"], "RAM": p["memory"]["ram"], "MODEL": p["model_partition"]}
    for name, reg in want.items():
        got = regions.get(name)
        if got != (int(reg["start"], 16), reg["size"]):
            errs.append(f"{bid}: {name} {reg} but memory.ld has {got}")
    if p["memory"].get("stack_bytes", stack) != stack:
        errs.append(f"{bid}: stack_bytes {p['memory']['stack_bytes']} but memory.ld {stack}")
    if p["arena_bytes"] > p["memory"]["ram"]["size"] - stack - 4096:
        errs.append(f"{bid}: arena_bytes leaves < 4 KB of RAM for .data/.bss next to the stack")
    f0, fs = int(p["memory"]["flash"]["start"], 16), p["memory"]["flash"]["size"]
    m0, ms = int(p["model_partition"]["start"], 16), p["model_partition"]["size"]
    if m0 < f0 + fs and f0 < m0 + ms:
        errs.append(f"{bid}: model partition overlaps the firmware flash region")
    cm = re.search(r"hb_add_board\(" + re.escape(bid) + r" CORE (\S+)([^)\n]*)", open(FW_CMAKE).read())
    if not cm:
        errs.append(f"{bid}: not built by firmware-harness/CMakeLists.txt")
    else:
        flags = cm.group(2).split()
        if cm.group(1) != p["core"]["name"]:
            errs.append(f"{bid}: CMake core {cm.group(1)}")
        if ("EMULATED" in flags) != p["emulated"]:
            errs.append(f"{bid}: CMake EMULATED flag differs")
        # hb_timer_init picks DWT only on cores with one, and QEMU's DWT reads 0.
        expect = "DWT_CYCCNT" if ("DWT" in flags and not p["emulated"]) else "SYSTICK"
        if p["timer"]["source"] != expect:
            errs.append(f"{bid}: timer {p['timer']['source']}, firmware will pick {expect}")
    if p["timer"]["hz"] != p["clock_hz"]:
        errs.append(f"{bid}: timer hz differs from clock_hz (both count core clocks)")
    if p["emulated"]:
        q = p["qemu"]
        row = re.search(r'"' + re.escape(bid) + r"\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)",
                        open(os.path.join(BOARDS, "run_smoke.sh")).read())
        if not row or (row.group(1), int(row.group(3)), int(row.group(4))) != (
                q["machine"], q["systick_hz"], q["icount_shift"]):
            errs.append(f"{bid}: qemu block differs from run_smoke.sh row {row and row.groups()}")
    return errs


def self_test(schema, good):
    """The validator must reject these; returns error strings if it does not."""
    broken = []
    b = copy.deepcopy(good); del b["uart"]; broken.append(("missing uart", b))
    b = copy.deepcopy(good); b["memory"]["flash"]["start"] = 4096; broken.append(("int address", b))
    b = copy.deepcopy(good); b["core"]["fpu"] = "double"; broken.append(("bad enum", b))
    b = copy.deepcopy(good); b["extra"] = 1; broken.append(("extra key", b))
    b = copy.deepcopy(good); b["emulated"] = True; b.pop("qemu", None); broken.append(("emulated, no qemu", b))
    b = copy.deepcopy(good); b["timestamp_gpio"] = {"port": "PC"}; broken.append(("gpio w/o pin", b))
    return [f"self-test: validator accepted a profile with {why}"
            for why, inst in broken if not validate(inst, schema, schema)]


def main():
    schema = json.load(open(SCHEMA))
    files = sorted(glob.glob(os.path.join(ROOT, "device-profiles", "*.json")))
    if not files:
        print("check_profiles: no profiles found")
        return 1
    try:
        import jsonschema  # optional second opinion
        checker = jsonschema.Draft202012Validator(schema)
    except ImportError:
        checker = None
    failures = []
    profiles = [json.load(open(f)) for f in files]
    real = next(p for p in profiles if not p["emulated"])
    failures += self_test(schema, real)
    for f, p in zip(files, profiles):
        errs = validate(p, schema, schema)
        if checker is not None:
            errs += [f"jsonschema: {e.message}" for e in checker.iter_errors(p)]
        if not errs:
            if os.path.basename(f) != p["id"] + ".json":
                errs.append(f"file name does not match id {p['id']}")
            errs += cross_check(p)
        status = "ok" if not errs else "FAIL"
        print(f"{status:4} {os.path.basename(f)}")
        failures += [f"{os.path.basename(f)}: {e}" for e in errs]
    for e in failures:
        print("  " + e)
    print(f"check_profiles: {len(files)} profiles, {'all valid' if not failures else 'FAILED'}"
          f" (validator: built-in{' + jsonschema' if checker else ''})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
