// Policy files (LANGUAGE.md §5): role declarations, rules and security-flag
// lines, one statement per line, `#` comments.
#ifndef WARDEN_PARSER_POLICY_H_
#define WARDEN_PARSER_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "parser/rule.h"

namespace warden {

// `role NAME: P1, P2`. Declaring a role again adds parents.
struct RoleDeclaration {
  std::string name;
  std::vector<std::string> parents;  // de-duplicated, in order
  SourceLocation location;
};

enum class SecurityFlagKind : uint8_t {
  kDocumentSecurity,  // on a collection (`rowSecurity` is the same flag)
  kFileSecurity,      // on a bucket
};

// `collection PATH documentSecurity` / `bucket PATH fileSecurity`.
struct SecurityFlag {
  std::string container;  // normalised, exact path (no patterns)
  SecurityFlagKind kind = SecurityFlagKind::kDocumentSecurity;
  SourceLocation location;
};

// A parsed policy: the statements of one or more files, in input order.
// Value type; thread-compatible.
struct Policy {
  std::vector<RoleDeclaration> roles;
  std::vector<Rule> rules;
  std::vector<SecurityFlag> flags;

  // Appends every statement of `other`.
  void Append(Policy other);
};

struct PolicyParseResult {
  Policy policy;  // every statement that parsed (also when there are errors)
  std::vector<Diagnostic> diagnostics;  // errors and warnings, in line order

  bool ok() const { return !HasErrors(diagnostics); }
};

// Parses one policy file. Reports every error of the file (not only the
// first), each with file:line:column, a one-line message and the line.
// Role hierarchy cycles are reported too (ValidatePolicy).
PolicyParseResult ParsePolicy(absl::string_view text,
                              absl::string_view file_name,
                              const ParseOptions& options = {});

struct PolicyFile {
  std::string name;
  std::string text;
};

// Parses several files as one policy, then validates the whole
// (ValidatePolicy).
PolicyParseResult ParsePolicyFiles(const std::vector<PolicyFile>& files,
                                   const ParseOptions& options = {});

// Whole-policy checks, appended to `diagnostics`: a cycle in the role
// hierarchy is an error naming the cycle (`a -> b -> c -> a`), reported at
// the declaration that closes it; a custom role used in a rule but never
// declared is a warning.
void ValidatePolicy(const Policy& policy, std::vector<Diagnostic>* diagnostics);

// `warden lint` warnings on a parsed policy (appended to `diagnostics`): a
// type no path can have (a plural such as `documents`), a path pattern with
// an odd number of segments and no final `**`, `$ATTR` in a deny rule.
void LintPolicy(const Policy& policy, std::vector<Diagnostic>* diagnostics);

// `warden fmt`: the canonical printing of a policy file, keeping comments and
// blank lines. Fails (kInvalidArgument, message lists the diagnostics) when
// the file does not parse.
absl::StatusOr<std::string> FormatPolicy(absl::string_view text,
                                         absl::string_view file_name,
                                         const ParseOptions& options = {});

// Canonical printing of a whole policy (declarations, flags, rules).
std::string PrintPolicy(const Policy& policy);

// Fills in the `source_line` of every diagnostic that has none, from the file
// (by name) and line it points at. Useful after ValidatePolicy and
// LintPolicy, which see only the parsed policy.
void AttachSourceLines(const std::vector<PolicyFile>& files,
                       std::vector<Diagnostic>* diagnostics);

}  // namespace warden

#endif  // WARDEN_PARSER_POLICY_H_
