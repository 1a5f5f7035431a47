// CompiledPolicy::Load on untrusted bytes. The input picks (FuzzedDataProvider)
// either raw bytes, or a valid bundle (compiled once from a fixed policy and
// ACL) with fuzzer-chosen bytes and 32-bit words overwritten, optionally with
// the content hash recomputed so that the structural checks past the hash
// are reached. Invariants: Load never crashes; refusals are kInvalidArgument
// or kDataLoss; the pristine bundle loads; a loaded bundle answers checks
// with consistent decisions (an allow has an allow reason, a deny a deny
// reason) and describes them without crashing.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/bundle_format.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "fuzz/fuzz_check.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"

namespace warden {
namespace {

constexpr char kPolicy[] = R"warden(role editor: viewer
role admin: editor
collection databases/d1/collections/posts documentSecurity
document:read(any)
databases/d1/collections/posts/documents/*:update(role:editor, user:$ownerId)
~"databases/d1/collections/[a-z]+/documents/.*":delete(role:admin)
deny document:delete(label:banned)
bucket:*(team:staff/owner)
functions/f1:execute(users/verified)
)warden";

constexpr char kAcl[] =
    R"json({"resource": "databases/d1/collections/posts", "permissions": ["read(\"users\")", "create(\"team:t1\")", "write(\"user:u1\")"], "documentSecurity": true}
{"resource": "databases/d1/collections/posts/documents/p1", "permissions": ["read(\"any\")", "update(\"member:m1\")", "delete(\"label:vip\")"]}
{"resource": "buckets/b1", "permissions": ["read(\"guests\")"], "fileSecurity": false}
)json";

struct Pristine {
  std::string bundle;
  size_t hash_offset = 0;  // where the content hash is stored
};

const Pristine& GetPristine() {
  static const Pristine* pristine = [] {
    PolicyParseResult policy = ParsePolicy(kPolicy, "fixed.warden");
    WARDEN_FUZZ_CHECK(policy.ok());
    AclParseResult acl = ParseAclJsonLines(kAcl, "fixed.jsonl");
    WARDEN_FUZZ_CHECK(acl.ok());
    CompileResult compiled = CompileBundle(policy.policy, acl.data);
    WARDEN_FUZZ_CHECK(compiled.ok());
    auto* p = new Pristine;
    p->bundle = compiled.bundle;
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        CompiledPolicy::Load(compiled.bundle);
    WARDEN_FUZZ_CHECK(loaded.ok());
    // The stored hash is the only 8-byte run equal to it (a hash of the
    // rest of the buffer).
    const uint64_t hash = (*loaded)->content_hash();
    size_t found = 0;
    for (size_t i = 0; i + 8 <= p->bundle.size(); ++i) {
      uint64_t word;
      std::memcpy(&word, p->bundle.data() + i, 8);
      if (word == hash) {
        p->hash_offset = i;
        ++found;
      }
    }
    WARDEN_FUZZ_CHECK(found == 1);
    WARDEN_FUZZ_CHECK(bundle_internal::ContentHash(
                          reinterpret_cast<const uint8_t*>(p->bundle.data()),
                          p->bundle.size(), p->hash_offset) == hash);
    return p;
  }();
  return *pristine;
}

bool IsAllowReason(Reason reason) {
  return reason == Reason::kAllowedByRule || reason == Reason::kAllowedByAcl ||
         reason == Reason::kAllowedByScope;
}

void CheckDecision(const CompiledPolicy& policy, const RoleSet& principal,
                   const Decision& decision) {
  WARDEN_FUZZ_CHECK(decision.allowed == IsAllowReason(decision.reason));
  WARDEN_FUZZ_CHECK(static_cast<int>(decision.reason) <=
                    static_cast<int>(Reason::kEvaluationError));
  (void)policy.DescribeGrant(principal, decision);
}

void Exercise(const CompiledPolicy& policy) {
  (void)policy.rule_count();
  (void)policy.resource_count();
  (void)policy.acl_entry_count();
  (void)policy.role_count();
  std::vector<RoleSet> principals;
  principals.push_back(policy.ResolveGuest());
  UserFacts user;
  user.id = "u1";
  user.verified = true;
  user.labels = {"vip", "banned"};
  user.roles = {"editor", "admin"};
  user.teams.resize(1);
  user.teams[0].team = std::string("staff");
  user.teams[0].membership = std::string("member1");
  user.teams[0].roles.push_back(std::string("owner"));
  absl::StatusOr<RoleSet> resolved = policy.ResolveUser(user);
  if (resolved.ok()) principals.push_back(*std::move(resolved));
  ApiKeyFacts key;
  key.scopes = {"documents.read", "files.write"};
  absl::StatusOr<RoleSet> key_set = policy.ResolveApiKey(key);
  if (key_set.ok()) principals.push_back(*std::move(key_set));

  const char* const kResources[] = {
      "databases/d1/collections/posts/documents/p1",
      "databases/d1/collections/posts/documents/p2",
      "databases/d1/collections/posts",
      "buckets/b1/files/f1",
      "functions/f1",
  };
  const char* const kActions[] = {"read", "create", "update", "delete",
                                  "execute"};
  const AttributeView attributes[] = {{"ownerId", "u1"}};
  for (const RoleSet& principal : principals) {
    for (const char* resource : kResources) {
      for (const char* action : kActions) {
        CheckDecision(policy, principal,
                      policy.Check(principal, resource, action, attributes));
      }
    }
    (void)policy.Explain(principal, kResources[0], "update", attributes);
  }
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  const warden::Pristine& pristine = warden::GetPristine();
  FuzzedDataProvider provider(data, size);
  std::string bytes;
  switch (provider.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:  // raw bytes
      bytes = provider.ConsumeRemainingBytesAsString();
      break;
    default: {  // the valid bundle, mutated
      const bool rehash = provider.ConsumeBool();
      bytes = pristine.bundle;
      const int edits = provider.ConsumeIntegralInRange<int>(0, 8);
      for (int i = 0; i < edits && !bytes.empty(); ++i) {
        const size_t pos =
            provider.ConsumeIntegralInRange<size_t>(0, bytes.size() - 1);
        switch (provider.ConsumeIntegralInRange<int>(0, 3)) {
          case 0:
            bytes[pos] = static_cast<char>(provider.ConsumeIntegral<uint8_t>());
            break;
          case 1: {  // a 32-bit word (offsets, lengths, ids)
            const uint32_t word = provider.ConsumeIntegral<uint32_t>();
            const size_t n = std::min<size_t>(4, bytes.size() - pos);
            std::memcpy(bytes.data() + pos, &word, n);
            break;
          }
          case 2: {  // a small delta on a 32-bit word
            if (pos + 4 > bytes.size()) break;
            uint32_t word;
            std::memcpy(&word, bytes.data() + pos, 4);
            word += static_cast<uint32_t>(
                provider.ConsumeIntegralInRange<int>(-16, 16));
            std::memcpy(bytes.data() + pos, &word, 4);
            break;
          }
          default:  // truncation
            bytes.resize(pos);
            break;
        }
      }
      if (rehash && pristine.hash_offset + 8 <= bytes.size()) {
        const uint64_t hash = warden::bundle_internal::ContentHash(
            reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
            pristine.hash_offset);
        std::memcpy(bytes.data() + pristine.hash_offset, &hash, 8);
      }
      break;
    }
  }
  // WARDEN_BUNDLE_FUZZER_DUMP=FILE writes the bytes given to Load (plus a
  // final 0 byte: a raw-mode input), so that a finding can be kept as an
  // input that does not depend on the pristine bundle of this build.
  if (const char* dump = std::getenv("WARDEN_BUNDLE_FUZZER_DUMP")) {
    if (std::FILE* f = std::fopen(dump, "wb")) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fputc(0, f);
      std::fclose(f);
    }
  }
  const size_t length = bytes.size();
  absl::StatusOr<std::unique_ptr<warden::CompiledPolicy>> loaded =
      warden::CompiledPolicy::Load(std::move(bytes));
  if (!loaded.ok()) {
    WARDEN_FUZZ_CHECK(loaded.status().code() ==
                          absl::StatusCode::kInvalidArgument ||
                      loaded.status().code() == absl::StatusCode::kDataLoss);
    return 0;
  }
  WARDEN_FUZZ_CHECK(*loaded != nullptr);
  WARDEN_FUZZ_CHECK((*loaded)->bundle_bytes() == length);
  warden::Exercise(**loaded);
  return 0;
}
