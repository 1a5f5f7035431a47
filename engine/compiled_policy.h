// A loaded bundle and the evaluator over it.
//
// Thread safety: a CompiledPolicy is immutable after Load() and safe for
// concurrent const use by any number of threads (like RE2). RoleSets are
// values bound to the CompiledPolicy that resolved them.
//
// Ownership: the CompiledPolicy owns the bundle bytes and reads them in place
// (zero-copy); no per-entry allocation at load.
#ifndef WARDEN_ENGINE_COMPILED_POLICY_H_
#define WARDEN_ENGINE_COMPILED_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/decision.h"
#include "parser/json/principal.h"
#include "parser/role.h"

namespace warden {

struct LoadOptions {
  // Largest bundle accepted, in bytes.
  // Default: 2 GiB - 1 (FlatBuffers' own limit). REQUIRES: > 0.
  size_t max_bundle_bytes = (size_t{1} << 31) - 1;
  // flatbuffers::Verifier::Options::max_depth.
  // Default: 64. REQUIRES: > 0.
  uint32_t verifier_max_depth = 64;
  // flatbuffers::Verifier::Options::max_tables.
  // Default: 100,000,000. REQUIRES: > 0.
  uint32_t verifier_max_tables = 100'000'000;
  // RE2 memory budget for the compiled set of regex rules.
  // Default: 64 MiB. REQUIRES: >= 1 MiB.
  int64_t regex_set_max_mem = int64_t{64} << 20;
};

// A principal's roles, interned against one CompiledPolicy. Value type;
// thread-compatible. Build it with CompiledPolicy::Resolve*().
class RoleSet {
 public:
  enum class Kind : uint8_t { kRoles, kApiKey, kInvalid };

  RoleSet() = default;

  Kind kind() const { return kind_; }
  // Interned role ids the principal holds, sorted, unique. Roles the policy
  // never mentions are not kept (they cannot match anything).
  absl::Span<const uint32_t> ids() const { return ids_; }
  // The user ids the principal holds as `user:ID` (for `$ATTR` roles),
  // sorted.
  const std::vector<std::string>& user_ids() const { return user_ids_; }
  // Every canonical role held, including those not in the policy (for
  // --explain); sorted.
  const std::vector<std::string>& names() const { return names_; }
  // kApiKey: the key's normalised scopes and id.
  const std::vector<std::string>& scopes() const { return scopes_; }
  const std::string& key_id() const { return key_id_; }

 private:
  friend class CompiledPolicy;
  Kind kind_ = Kind::kInvalid;
  std::vector<uint32_t> ids_;
  std::vector<std::string> user_ids_;
  std::vector<std::string> names_;
  std::vector<std::string> scopes_;
  std::string key_id_;
};

struct AttributeView {
  absl::string_view name;
  absl::string_view value;
};

// One grant that a check looked at, for `warden check --explain`.
struct ConsideredGrant {
  std::string source;  // `rule policy.warden:3` or `acl <resource>#<index>`
  std::string text;    // the rule or entry, canonical
  std::string role;    // the role it names (canonical)
  bool deny = false;
  bool held = false;  // the principal holds `role`
};

// The deciding grant of a decision, spelled out (for CLI output and logs).
struct GrantInfo {
  GrantKind kind = GrantKind::kNone;
  std::string text;      // canonical rule, ACL entry or scope
  std::string file;      // kRule: policy file ("" for rules from ACL data)
  int line = 0;          // kRule: 1-based line (0 when not from a file)
  std::string resource;  // kAcl: the resource whose list holds the entry
  uint32_t entry = 0;    // kAcl: the entry's position in that list
};

struct Explanation {
  Decision decision;
  std::vector<std::string> roles;  // the principal's role set
  std::vector<ConsideredGrant> considered;
};

class CompiledPolicy {
 public:
  // Verifies `bytes` (size, file identifier, flatbuffers::Verifier, format
  // version, content hash, index consistency) and loads it. A buffer that
  // fails any check is refused with kInvalidArgument (or kDataLoss for a
  // content-hash mismatch) and a message saying which check failed.
  static absl::StatusOr<std::unique_ptr<CompiledPolicy>> Load(
      std::string bytes, const LoadOptions& options = {});

  CompiledPolicy(const CompiledPolicy&) = delete;  // owns a large buffer
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;
  ~CompiledPolicy();

  // Principal resolution (APPWRITE.md §3 plus the role hierarchy).
  RoleSet ResolveGuest() const;
  // Validates the facts (ids, labels, team roles, custom role names).
  absl::StatusOr<RoleSet> ResolveUser(const UserFacts& user) const;
  // An explicit role set, used as given: nothing added, nothing closed.
  // `$ATTR` roles are invalid here.
  absl::StatusOr<RoleSet> ResolveRoles(absl::Span<const Role> roles) const;
  absl::StatusOr<RoleSet> ResolveApiKey(const ApiKeyFacts& key) const;
  // Dispatches on spec.kind; kKey and kJwt need a credential verifier and
  // give kFailedPrecondition here.
  absl::StatusOr<RoleSet> Resolve(const PrincipalSpec& spec) const;

  // The decision of LANGUAGE.md §7. Allocates nothing. A malformed resource
  // path or action gives a deny with Reason::kInvalidRequest (use
  // ValidateRequest for the message).
  Decision Check(const RoleSet& principal, absl::string_view resource,
                 absl::string_view action,
                 absl::Span<const AttributeView> attributes = {}) const;

  // The same decision, with the principal's roles and every grant considered.
  Explanation Explain(const RoleSet& principal, absl::string_view resource,
                      absl::string_view action,
                      absl::Span<const AttributeView> attributes = {}) const;

  // Why a request is invalid input (resource path, action), or OK.
  static absl::Status ValidateRequest(absl::string_view resource,
                                      absl::string_view action);

  // A one-line description of the deciding grant: `rule policy.warden:3
  // document:read(users)`, `acl databases/d1/collections/c1 #0
  // read("any")`, `scope documents.read`, or "" when there is none.
  std::string DescribeGrant(const RoleSet& principal,
                            const Decision& decision) const;

  // The deciding grant as data; kind kNone when there is none.
  GrantInfo GetGrantInfo(const RoleSet& principal,
                         const Decision& decision) const;

  // Counts and identity.
  uint64_t content_hash() const;  // of the bundle's content
  size_t rule_count() const;
  size_t resource_count() const;
  size_t acl_entry_count() const;
  size_t role_count() const;
  size_t bundle_bytes() const;

 private:
  struct Impl;
  explicit CompiledPolicy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden

#endif  // WARDEN_ENGINE_COMPILED_POLICY_H_
