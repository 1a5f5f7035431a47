#include "tests/engine/engine_test_util.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"

namespace warden::testing {

CompileResult CompileLines(const std::vector<std::string>& policy_lines,
                           const std::vector<std::string>& acl_lines) {
  CompileResult failed;
  const std::string text = absl::StrJoin(policy_lines, "\n");
  PolicyParseResult parsed = ParsePolicy(text, "policy.warden");
  if (!parsed.ok()) {
    failed.diagnostics = std::move(parsed.diagnostics);
    return failed;
  }
  AclParseResult acl =
      ParseAclJsonLines(absl::StrJoin(acl_lines, "\n"), "acl.jsonl");
  if (!acl.ok()) {
    failed.diagnostics = std::move(acl.diagnostics);
    return failed;
  }
  return CompileBundle(parsed.policy, acl.data);
}

absl::StatusOr<std::unique_ptr<CompiledPolicy>> BuildPolicy(
    const std::vector<std::string>& policy_lines,
    const std::vector<std::string>& acl_lines) {
  CompileResult compiled = CompileLines(policy_lines, acl_lines);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(FormatDiagnostics(compiled.diagnostics));
  }
  return CompiledPolicy::Load(std::move(compiled.bundle));
}

absl::StatusOr<RoleSet> ResolveJson(const CompiledPolicy& policy,
                                    const std::string& principal_json) {
  absl::StatusOr<PrincipalSpec> spec = ParsePrincipalJson(principal_json);
  if (!spec.ok()) return spec.status();
  return policy.Resolve(*spec);
}

std::string ReadSourceFile(const std::string& relative_path) {
  std::ifstream in(absl::StrCat(WARDEN_SOURCE_DIR, "/", relative_path),
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace warden::testing
