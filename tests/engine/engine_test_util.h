// Helpers for the engine tests: compile policy lines and ACL lines into a
// loaded CompiledPolicy, and resolve principals from their JSON form.
#ifndef WARDEN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
#define WARDEN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"

namespace warden::testing {

// Parses `policy_lines` as one policy file named `policy.warden` and
// `acl_lines` as JSON Lines ACL data named `acl.jsonl`, then compiles.
// Parse errors come back as diagnostics of the result.
CompileResult CompileLines(const std::vector<std::string>& policy_lines,
                           const std::vector<std::string>& acl_lines = {});

// CompileLines, then Load; kInvalidArgument listing the diagnostics if the
// input does not compile.
absl::StatusOr<std::unique_ptr<CompiledPolicy>> BuildPolicy(
    const std::vector<std::string>& policy_lines,
    const std::vector<std::string>& acl_lines = {});

// ParsePrincipalJson then CompiledPolicy::Resolve.
absl::StatusOr<RoleSet> ResolveJson(const CompiledPolicy& policy,
                                    const std::string& principal_json);

// Reads a file below the source tree (path relative to the repo root).
std::string ReadSourceFile(const std::string& relative_path);

}  // namespace warden::testing

#endif  // WARDEN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
