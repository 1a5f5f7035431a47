// Rules in the Dreambase form (LANGUAGE.md §4):
//   [deny SP] RESOURCE ':' ACTION ( '(' ROLES ')' | '[' ROLES ']' )
#ifndef WARDEN_PARSER_RULE_H_
#define WARDEN_PARSER_RULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "parser/role.h"

namespace warden {

enum class PatternKind : uint8_t {
  kAny,    // `any` or `*`: every resource
  kType,   // a type name: every resource of that type
  kPath,   // a path pattern with `*` segments and an optional final `**`
  kRegex,  // `~"RE2"`: matched against the whole normalised path
};

struct ResourcePattern {
  PatternKind kind = PatternKind::kAny;
  // kAny: empty. kType: the normalised type name (`table` -> `collection`,
  // `row` -> `document`). kPath: the normalised pattern (`tables` ->
  // `collections`, `rows` -> `documents` in kind positions). kRegex: the RE2
  // pattern itself, with `\"` already turned into `"`.
  std::string text;

  // Canonical printing: `any`, `document`, `databases/*/collections/c/**`,
  // `~"…"` with `"` re-escaped.
  std::string ToString() const;

  friend bool operator==(const ResourcePattern&,
                         const ResourcePattern&) = default;
};

struct Rule {
  bool deny = false;
  ResourcePattern resource;
  // As written: `read`, `create`, `update`, `delete`, `write`, `*` or a
  // custom action. `write` and `*` are expanded only when compiled.
  std::string action;
  // Canonical, duplicates removed (first kept). Never empty.
  std::vector<Role> roles;
  // Where the rule was read; line 0 when parsed from a bare string.
  SourceLocation location;

  // Canonical printing (LANGUAGE.md §8).
  std::string ToString() const;

  // Compares the rule's value; the location is not part of it.
  bool SameValue(const Rule& other) const;
};

// Parses one rule (no comments, no surrounding whitespace). Regex patterns
// are compiled with RE2 to validate them, within `options`' budgets. Errors
// are kInvalidArgument with a byte offset (syntax_error.h) and a one-line
// message that says what was expected.
absl::StatusOr<Rule> ParseRule(absl::string_view text,
                               const ParseOptions& options = {});

}  // namespace warden

#endif  // WARDEN_PARSER_RULE_H_
