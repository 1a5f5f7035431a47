// The compiler: a parsed policy plus ACL data -> one FlatBuffers bundle (the
// flat decision structure, engine/schema/bundle.fbs).
#ifndef WARDEN_ENGINE_COMPILER_H_
#define WARDEN_ENGINE_COMPILER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/policy.h"

namespace warden {

struct CompileOptions {
  // Most rules after `write`/`*` expansion.
  // Default: 1,000,000. REQUIRES: > 0.
  size_t max_rules = 1'000'000;
  // Most resources with an ACL.
  // Default: 50,000,000. REQUIRES: > 0.
  size_t max_resources = 50'000'000;
  // Most distinct interned strings (roles, types, actions, paths).
  // Default: 100,000,000. REQUIRES: > 0.
  size_t max_strings = 100'000'000;
};

struct CompileResult {
  std::string bundle;  // empty unless ok()
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return !HasErrors(diagnostics); }
};

// Compiles `policy` and `acl` into a bundle: roles canonical, `write` and `*`
// expanded (LANGUAGE.md §2), the role hierarchy closed (a cycle is an error
// naming it), strings interned to dense ids, grants indexed by (resource,
// action), deny rules indexed apart, security flags merged (on if the policy
// or the ACL data sets it). Deterministic: the same input gives the same
// bytes. Errors come back as diagnostics, never as a half-built bundle.
CompileResult CompileBundle(const Policy& policy, const AclData& acl,
                            const CompileOptions& options = {});

}  // namespace warden

#endif  // WARDEN_ENGINE_COMPILER_H_
