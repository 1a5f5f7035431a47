#!/usr/bin/env python3
"""Generates a stream of `warden eval` requests (JSON Lines) for the example
project (examples/appwrite.json, examples/acl.jsonl, examples/dreambase.warden).

Deterministic: the same --seed and --count give the same bytes. Principals and
resources are drawn with Zipf-like skew (a few users and documents are hot, most
are cold), as real traffic is. About 0.1% of the lines are deliberately
malformed, to show that `warden eval` counts them and carries on.

Standard library only.

    python3 scripts/gen_requests.py --count 100000 --out examples/requests.jsonl
"""

import argparse
import bisect
import itertools
import json
import random
import sys

DATABASE = "67f5616b000b636218db"
COLLECTIONS = {
    "product": "67f69b00000c211cf835",
    "product_category": "67f6abb3002b8c37ca9f",
    "collection": "67f7d9a80003dd74b3d3",
    "cart": "681acbd00005fcf4b221",
    "design_projects": "681acfaa00300e79201f",
    "wishlist": "681b065b00072d600e69",
}
BUCKETS = {
    "product-images": "67f801cc00070efc4e4e",
    "product-models": "67f80221000956fd5a30",
    "textures": "67f9ceb1001539a01bd8",
    "thumbnails": "681ae81f0008111016d3",
}
FUNCTIONS = ["checkout", "reindex-catalogue", "send-receipt"]
# Documents and files that have their own ACL in examples/acl.jsonl.
NAMED = [
    f"databases/{DATABASE}/collections/{COLLECTIONS['cart']}/documents/cart-u1",
    f"databases/{DATABASE}/collections/{COLLECTIONS['cart']}/documents/cart-u2",
    f"databases/{DATABASE}/collections/{COLLECTIONS['wishlist']}/documents/wish-u3",
    f"databases/{DATABASE}/collections/{COLLECTIONS['design_projects']}/documents/living-room",
    f"databases/{DATABASE}/collections/{COLLECTIONS['design_projects']}/documents/kitchen",
    f"databases/{DATABASE}/collections/{COLLECTIONS['product']}/documents/sofa-1",
    f"buckets/{BUCKETS['product-images']}/files/sofa-1.webp",
    f"buckets/{BUCKETS['product-models']}/files/sofa-1.glb",
    f"buckets/{BUCKETS['thumbnails']}/files/living-room.png",
]

USERS = 5000            # u1 .. u5000
DOCS_PER_COLLECTION = 2000
FILES_PER_BUCKET = 500
CUSTOM_ACTIONS = ["execute", "publish", "export", "archive"]
SCOPES = [
    "documents.read", "documents.write", "collections.read", "collections.write",
    "databases.read", "files.read", "files.write", "buckets.read",
    "execution.read", "execution.write", "rows.read", "tables.write",
]


class Zipf:
    """Draws 0..n-1 with probability proportional to 1/(k+1)**s."""

    def __init__(self, n, s=1.1):
        weights = [1.0 / (k + 1) ** s for k in range(n)]
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng):
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1])


def make_users(rng):
    """Fixed facts for every user id, so one user looks the same everywhere."""
    users = []
    for k in range(1, USERS + 1):
        facts = {"user": f"u{k}", "verified": rng.random() < 0.8}
        labels = []
        if rng.random() < 0.06:
            labels.append("designer")
        if rng.random() < 0.01:
            labels.append("suspended")
        if labels:
            facts["labels"] = labels
        teams = []
        if rng.random() < 0.05:
            teams.append({"team": "studio", "membership": f"m-studio-{k}",
                          "roles": ["lead"] if rng.random() < 0.3 else ["member"]})
        if rng.random() < 0.2:
            teams.append({"team": f"family-u{k}", "membership": f"m-family-{k}",
                          "roles": ["owner"],
                          "confirmed": rng.random() < 0.9})
        if rng.random() < 0.005:
            teams.append({"team": "fabrique", "membership": f"m-fabrique-{k}",
                          "roles": ["owner"]})
        if teams:
            facts["teams"] = teams
        r = rng.random()
        if r < 0.005:
            facts["roles"] = ["admin"]
        elif r < 0.02:
            facts["roles"] = ["editor"]
        elif r < 0.04:
            facts["roles"] = ["viewer"]
        elif r < 0.05:
            facts["roles"] = ["support"]
        users.append(facts)
    # A few hand-made users that examples/acl.jsonl and the policy name.
    users[0] = {"user": "u1", "verified": True}
    users[1] = {"user": "u2", "verified": True, "labels": ["designer"],
                "teams": [{"team": "studio", "membership": "m-kitchen-1",
                           "roles": ["lead"]}]}
    users[2] = {"user": "u3", "verified": False,
                "teams": [{"team": "family-u3", "membership": "m-family-3",
                           "roles": ["owner"]}]}
    users.append({"user": "ops-oncall", "verified": True, "roles": ["support"]})
    return users


ROLE_SETS = [
    ["any", "guests"],
    ["any", "users", "user:u1", "users/verified", "user:u1/verified"],
    ["role:all", "role:member", "role:users[verified]"],
    ["any", "users", "label:designer", "role:editor"],
    ["any", "users", "team:studio", "team:studio/lead", "member:m-studio-9"],
    ["role:admin"],
]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.users = make_users(random.Random(seed + 1))
        self.user_zipf = Zipf(len(self.users))
        self.doc_zipf = Zipf(DOCS_PER_COLLECTION)
        self.file_zipf = Zipf(FILES_PER_BUCKET)
        self.collection_ids = list(COLLECTIONS.values())
        self.collection_zipf = Zipf(len(self.collection_ids), 0.8)
        self.bucket_ids = list(BUCKETS.values())

    # -- principals ---------------------------------------------------------
    def principal(self):
        r = self.rng.random()
        if r < 0.12:
            return {"guest": True}
        if r < 0.86:
            return self.users[self.user_zipf.draw(self.rng)]
        if r < 0.92:
            return {"roleSet": self.rng.choice(ROLE_SETS)}
        scopes = self.rng.sample(SCOPES, self.rng.randint(1, 3))
        key = {"scopes": scopes}
        if self.rng.random() < 0.8:
            key["id"] = f"key-{self.rng.randint(1, 40)}"
        return {"apiKey": key}

    # -- resources and actions ----------------------------------------------
    def document(self, collection):
        if collection == COLLECTIONS["cart"]:
            prefix = "cart-u"
        elif collection == COLLECTIONS["wishlist"]:
            prefix = "wish-u"
        else:
            prefix = "doc-"
        n = self.doc_zipf.draw(self.rng) + 1
        return f"databases/{DATABASE}/collections/{collection}/documents/{prefix}{n}"

    def request(self):
        rng = self.rng
        principal = self.principal()
        r = rng.random()
        action = rng.choices(
            ["read", "create", "update", "delete", "custom"],
            weights=[70, 8, 10, 6, 6])[0]
        attributes = None
        if action == "custom":
            action = rng.choice(CUSTOM_ACTIONS)
        if action == "execute" or (r < 0.03 and action == "read"):
            resource = f"functions/{rng.choice(FUNCTIONS)}"
        elif action == "export" or r < 0.05:
            resource = f"databases/{DATABASE}"
            if r < 0.02:
                resource += f"/collections/{rng.choice(self.collection_ids)}"
        elif r < 0.10:
            resource = rng.choice(NAMED)
        elif r < 0.25:
            bucket = rng.choice(self.bucket_ids)
            name = f"f{self.file_zipf.draw(rng) + 1}.png"
            resource = f"buckets/{bucket}/files/{name}"
            if action == "create":
                resource = f"buckets/{bucket}/files/new-{rng.randint(1, 10**6)}"
        else:
            collection = self.collection_ids[self.collection_zipf.draw(rng)]
            resource = self.document(collection)
            if action == "create":
                resource = (f"databases/{DATABASE}/collections/{collection}"
                            f"/documents/new-{rng.randint(1, 10**6)}")
            elif collection in (COLLECTIONS["cart"], COLLECTIONS["design_projects"]):
                # Owner rules read `ownerId`; mostly the caller owns the item.
                if rng.random() < 0.7:
                    me = principal.get("user")
                    owner = me if me and rng.random() < 0.6 else \
                        f"u{self.user_zipf.draw(rng) + 1}"
                    attributes = {"ownerId": owner}
        req = {"principal": principal, "resource": resource, "action": action}
        if attributes:
            req["attributes"] = attributes
        return req

    # -- deliberately malformed lines ---------------------------------------
    def malformed(self):
        rng = self.rng
        good = json.dumps(self.request(), separators=(",", ":"))
        kind = rng.randrange(6)
        if kind == 0:
            return good[: rng.randint(1, len(good) - 1)]   # truncated JSON
        req = json.loads(good)
        if kind == 1:
            req["action"] = "write"                         # alias, not an action
        elif kind == 2:
            req["resource"] = f"databases/{DATABASE}/collections"  # odd segments
        elif kind == 3:
            req["principal"] = {"user": "-bad id", "verified": True}
        elif kind == 4:
            req["principal"] = {"apiKey": {"scopes": ["documents.admin"]}}
        else:
            req["resorce"] = req.pop("resource")            # misspelt field
        return json.dumps(req, separators=(",", ":"))


def main(argv):
    parser = argparse.ArgumentParser(
        description="Generates `warden eval` requests (JSON Lines) for the "
                    "example project, deterministically.")
    parser.add_argument("--count", type=int, default=100000, metavar="N",
                        help="number of lines (default 100000)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random seed (default 1)")
    parser.add_argument("--out", default="-", metavar="FILE",
                        help="output file (default: stdout)")
    parser.add_argument("--malformed", type=float, default=0.001, metavar="F",
                        help="fraction of malformed lines (default 0.001)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")

    gen = Generator(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for _ in range(args.count):
            if gen.rng.random() < args.malformed:
                line = gen.malformed()
            else:
                line = json.dumps(gen.request(), separators=(",", ":"))
            out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
