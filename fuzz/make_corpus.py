#!/usr/bin/env python3
"""Regenerates the seed corpora under fuzz/corpus/ from the conformance
vectors (tests/data/vectors), the Appwrite project samples (tests/data/appwrite)
and examples/. Files named `crash-*` (regression inputs) are kept; every other
seed is rewritten. Bundle seeds need a built `warden` CLI: pass its path as
the first argument (skipped otherwise).

    python3 fuzz/make_corpus.py [path/to/warden]
"""
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
VECTORS = os.path.join(ROOT, "tests", "data", "vectors")
MAX_SEEDS = 40
MAX_BYTES = 64 * 1024


def vectors(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def reset(target):
    path = os.path.join(CORPUS, target)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if not name.startswith("crash-"):
            os.remove(os.path.join(path, name))
    return path


def write(target, seeds):
    path = reset(target)
    seen = set()
    kept = 0
    for seed in seeds:
        if isinstance(seed, str):
            seed = seed.encode("utf-8")
        if len(seed) > MAX_BYTES or seed in seen:
            continue
        seen.add(seed)
        name = "seed-" + hashlib.sha1(seed).hexdigest()[:16]
        with open(os.path.join(path, name), "wb") as f:
            f.write(seed)
        kept += 1
        if kept >= MAX_SEEDS:
            break
    print(f"{target}: {kept} seeds")


def fdp_string(text):
    """FuzzedDataProvider::ConsumeRandomLengthString encoding."""
    return text.replace("\\", "\\\\") + "\\\n"


def main():
    appwrite = vectors("appwrite.jsonl")
    extra = vectors("appwrite_extra.jsonl")
    rules = vectors("rules.jsonl")
    rng = random.Random(20261203)

    entries = [v["input"] for v in appwrite + extra
               if "input" in v and isinstance(v["input"], str)
               and v.get("kind") != "role"]
    rng.shuffle(entries)
    write("acl_entry_fuzzer", entries)

    roles = [v["input"] for v in extra if v.get("kind") == "role"]
    roles += ["any", "guests", "users", "users/verified", "user:u1/unverified",
              "team:t1/owner", "member:m1", "label:vip", "role:editor",
              "user:$ownerId", "users[verified]", "role:users[u42]",
              "role:all", "role:guest", "role:member", "users[$userId]",
              "team:t1[owner]"]
    write("role_fuzzer", roles)

    rule_inputs = [v["input"] for v in rules if v["kind"] == "rule_parse"]
    rule_inputs += [line for v in rules if v["kind"] == "rule_decide"
                    for line in v.get("policy", [])
                    if line and not line.startswith(("role ", "#"))
                    and "Security" not in line]
    write("rule_fuzzer", rule_inputs)

    policies = []
    with open(os.path.join(ROOT, "examples", "dreambase.warden"),
              encoding="utf-8") as f:
        policies.append(f.read())
    policies += ["\n".join(v["policy"]) + "\n" for v in rules
                 if v["kind"] in ("policy_error", "rule_decide",
                                  "request_invalid")]
    write("policy_fuzzer", policies)

    diff = []
    for v in rules:
        if v["kind"] != "rule_decide":
            continue
        request = {"principal": v["principal"], "resource": v["resource"],
                   "action": v["action"]}
        if v.get("attributes"):
            request["attributes"] = v["attributes"]
        policy = "\n".join(v.get("policy", [])) + "\n"
        acl = "".join(line if isinstance(line, str) else json.dumps(line)
                      + "\n" for line in v.get("acl", []))
        diff.append((fdp_string(policy) + fdp_string(acl) +
                     json.dumps(request)).encode("utf-8") + b"\x00")
    rng.shuffle(diff)
    diff = diff[:32]
    # Generated mode: seeds for the generators, odd last byte.
    diff += [bytes(rng.randrange(256) for _ in range(80)) + b"\x01"
             for _ in range(8)]
    write("differential_fuzzer", diff)

    principals = [json.dumps(v["principal"]) for v in rules
                  if v["kind"] in ("rule_decide", "request_invalid")]
    with open(os.path.join(ROOT, "examples", "requests.jsonl"),
              encoding="utf-8") as f:
        requests = [line.strip() for line in f if line.strip()][:10]
    principals = sorted(set(principals))[:22] + requests
    principals += ['{"ownerId": "u1", "team": "t1"}',
                   '{"apiKey": {"id": "k1", "scopes": ["documents.read", '
                   '"rows.write", "execution.read"]}}',
                   '{"roleSet": ["any", "team:t1/owner", "role:editor"]}',
                   '{"key": "wdn_abc"}', '{"jwt": "eyJhbGciOi"}',
                   "tables.write"]
    write("json_principal_fuzzer", principals)

    with open(os.path.join(ROOT, "examples", "acl.jsonl"),
              encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    jsonl = ["".join(lines[i:i + 4]) for i in range(0, len(lines), 4)][:10]
    for v in rules:
        if v["kind"] == "rule_decide" and v.get("acl"):
            jsonl.append("".join(
                line if isinstance(line, str) else json.dumps(line) + "\n"
                for line in v["acl"]))
    jsonl += ['{"resource": "buckets/b1", "permissions": ["read(\\"any\\")"], '
              '"fileSecurity": true}\n\n{"resource": "tables/t1", '
              '"permissions": []}\n']
    write("acl_jsonl_fuzzer", jsonl)

    projects = []
    for directory in (os.path.join(ROOT, "tests", "data", "appwrite"),
                      os.path.join(ROOT, "examples")):
        for name in sorted(os.listdir(directory)):
            if name.endswith(".json"):
                with open(os.path.join(directory, name), "rb") as f:
                    projects.append(f.read())
    projects.append(json.dumps({
        "projectId": "p1",
        "functions": [{"$id": "f1", "execute": ["users", "team:t1"],
                       "vars": {"API_SECRET": "s3cr3t-value-123456"},
                       "entrypoint": "index.js"}],
        "buckets": [{"$id": "b1", "$permissions": ['read("any")'],
                     "fileSecurity": True}],
        "collections": [{"$id": "c1", "databaseId": "d1",
                         "$permissions": ['read("users")', 'bogus("x")'],
                         "documentSecurity": False}],
        "apiKey": "key-0123456789abcdef"}).encode())
    projects.append(b'{"collections": [{"$id": "c1", "$read": ["role:all"], '
                    b'"$write": ["role:guest"], "permission": "document"}], '
                    b'"token": "tok-0123456789"}')
    write("appwrite_fuzzer", projects)

    warden = sys.argv[1] if len(sys.argv) > 1 else None
    bundles = []
    if warden:
        with tempfile.TemporaryDirectory() as tmp:
            cases = [(os.path.join(ROOT, "examples", "dreambase.warden"),
                      os.path.join(ROOT, "examples", "acl.jsonl"))]
            for i, v in enumerate(v for v in rules
                                  if v["kind"] == "rule_decide"):
                if i % 7:
                    continue
                p = os.path.join(tmp, f"p{i}.warden")
                with open(p, "w", encoding="utf-8") as f:
                    f.write("\n".join(v["policy"]) + "\n")
                a = None
                if v.get("acl"):
                    a = os.path.join(tmp, f"a{i}.jsonl")
                    with open(a, "w", encoding="utf-8") as f:
                        f.write("".join(
                            line if isinstance(line, str)
                            else json.dumps(line) + "\n" for line in v["acl"]))
                cases.append((p, a))
            for i, (p, a) in enumerate(cases):
                out = os.path.join(tmp, f"b{i}.wdnb")
                cmd = [warden, "compile", "--policy", p, "-o", out]
                if a:
                    cmd += ["--acl", a]
                if subprocess.run(cmd, capture_output=True).returncode == 0:
                    with open(out, "rb") as f:
                        # Last byte 0: raw-bytes mode.
                        bundles.append(f.read() + b"\x00")
    # Mutation modes (last byte 1: mutate; 2: mutate and rehash).
    bundles += [bytes(rng.randrange(256) for _ in range(24)) + bytes([m])
                for m in (1, 2, 1, 2, 2, 2)]
    bundles.append(b"\x02")  # the pristine bundle, rehashed, no edits
    write("bundle_fuzzer", bundles)


if __name__ == "__main__":
    main()
