#include "parser/rule.h"

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "parser/resource.h"
#include "parser/role.h"
#include "parser/syntax_error.h"
#include "parser/text_internal.h"
#include "re2/re2.h"

namespace warden {
namespace {

using parser_internal::IsAsciiLower;
using parser_internal::IsKeyChar;
using parser_internal::IsLowerIdentChar;
using parser_internal::IsSpace;

constexpr size_t kMaxSegmentBytes = 64;
constexpr size_t kMaxIdentifierBytes = 64;

absl::Status WhitespaceError(size_t offset) {
  return SyntaxError(
      "unexpected whitespace: a rule has none except the space after `deny` "
      "and spaces after a comma in the role list",
      offset);
}

// Characters that may appear in a non-regex resource part.
bool IsResourceChar(char c) { return IsKeyChar(c) || c == '/' || c == '*'; }

// Validates and normalises a path pattern; `base` is its offset in the rule.
absl::StatusOr<std::string> ParsePathPattern(absl::string_view pattern,
                                             size_t base) {
  std::string out;
  out.reserve(pattern.size() + 8);
  size_t start = 0;
  size_t index = 0;
  while (true) {
    size_t end = pattern.find('/', start);
    bool last = end == absl::string_view::npos;
    if (last) end = pattern.size();
    absl::string_view segment = pattern.substr(start, end - start);
    if (segment.empty()) {
      return SyntaxError(
          absl::StrCat("empty segment in path pattern `", pattern, "`"),
          base + start);
    }
    if (segment == "**") {
      if (!last) {
        return SyntaxError(
            absl::StrCat("`**` may only be the last segment of path pattern `",
                         pattern, "`"),
            base + start);
      }
    } else if (segment != "*") {
      for (size_t i = 0; i < segment.size(); ++i) {
        if (!IsKeyChar(segment[i]) || i >= kMaxSegmentBytes) {
          return SyntaxError(
              absl::StrCat("invalid segment `", segment, "` in path pattern `",
                           pattern,
                           "`: a segment is `*`, a final `**`, or 1-64 "
                           "characters of `[A-Za-z0-9._-]`"),
              base + start + i);
        }
      }
    }
    if (index > 0) out.push_back('/');
    absl::string_view normalized =
        index % 2 == 0 ? NormalizeKind(segment) : segment;
    out.append(normalized.data(), normalized.size());
    if (last) break;
    start = end + 1;
    ++index;
  }
  return out;
}

// Parses `~"…"` starting at `pos` (which points at `~`). On success stores
// the unescaped pattern and sets `*end` past the closing quote.
absl::Status ParseRegex(absl::string_view text, size_t pos,
                        const ParseOptions& options, std::string* pattern,
                        size_t* end) {
  size_t start = pos + 2;
  size_t close = absl::string_view::npos;
  for (size_t i = start; i < text.size(); ++i) {
    if (text[i] == '"' && text[i - 1] != '\\') {
      close = i;
      break;
    }
  }
  // Check whitespace and size before complaining about a missing quote, so
  // the offset is the first offending byte.
  size_t limit = close == absl::string_view::npos ? text.size() : close;
  for (size_t i = start; i < limit; ++i) {
    if (IsSpace(text[i])) {
      return SyntaxError(
          "whitespace inside a regular expression: write `\\s` or `\\x20`", i);
    }
    if (i - start >= options.max_regex_bytes) {
      return SyntaxError(
          absl::StrCat("regular expression longer than ",
                       options.max_regex_bytes, " bytes (max_regex_bytes)"),
          i);
    }
  }
  if (close == absl::string_view::npos) {
    return SyntaxError(
        "unterminated regular expression: expected a closing `\"`",
        text.size());
  }
  absl::string_view raw = text.substr(start, close - start);
  pattern->clear();
  pattern->reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == '"') {
      pattern->push_back('"');
      ++i;
    } else {
      pattern->push_back(raw[i]);
    }
  }
  if (pattern->empty()) {
    return SyntaxError("empty regular expression", start);
  }
  RE2::Options re_options;
  re_options.set_log_errors(false);
  re_options.set_max_mem(options.regex_max_mem);
  RE2 re(re2::StringPiece(pattern->data(), pattern->size()), re_options);
  if (!re.ok()) {
    if (re.error_code() == RE2::ErrorPatternTooLarge) {
      return SyntaxError(
          absl::StrCat("regular expression `", *pattern,
                       "` needs more memory than the budget of ",
                       options.regex_max_mem, " bytes (regex_max_mem)"),
          start);
    }
    return SyntaxError(absl::StrCat("invalid regular expression `", *pattern,
                                    "`: ", re.error()),
                       start);
  }
  *end = close + 1;
  return absl::OkStatus();
}

absl::Status ParseResource(absl::string_view text, size_t* pos,
                           const ParseOptions& options,
                           ResourcePattern* resource) {
  size_t start = *pos;
  if (absl::StartsWith(text.substr(start), "~\"")) {
    resource->kind = PatternKind::kRegex;
    return ParseRegex(text, start, options, &resource->text, pos);
  }
  size_t end = start;
  while (end < text.size() && IsResourceChar(text[end])) ++end;
  absl::string_view token = text.substr(start, end - start);
  if (end < text.size() && text[end] != ':') {
    if (IsSpace(text[end])) return WhitespaceError(end);
    if (token.empty()) {
      return SyntaxError(
          "expected a resource: `any`, `*`, a type name, a path pattern or "
          "`~\"regex\"`",
          end);
    }
    return SyntaxError(
        absl::StrCat("expected `:` and an action after the resource `", token,
                     "`"),
        end);
  }
  if (token.empty()) {
    return SyntaxError(
        "expected a resource: `any`, `*`, a type name, a path pattern or "
        "`~\"regex\"`",
        start);
  }
  *pos = end;
  if (token == "*" || token == "any") {
    resource->kind = PatternKind::kAny;
    resource->text.clear();
    return absl::OkStatus();
  }
  if (absl::StrContains(token, '/')) {
    absl::StatusOr<std::string> path = ParsePathPattern(token, start);
    if (!path.ok()) return path.status();
    resource->kind = PatternKind::kPath;
    resource->text = *std::move(path);
    return absl::OkStatus();
  }
  for (size_t i = 0; i < token.size(); ++i) {
    bool ok = i == 0 ? IsAsciiLower(token[0]) : IsLowerIdentChar(token[i]);
    if (!ok || i >= kMaxIdentifierBytes) {
      return SyntaxError(
          absl::StrCat("invalid resource type `", token,
                       "`: expected `any`, `*`, a path pattern with `/`, or a "
                       "lower-case type name `[a-z][a-z0-9_]{0,63}`"),
          start + i);
    }
  }
  resource->kind = PatternKind::kType;
  resource->text = std::string(NormalizeTypeName(token));
  return absl::OkStatus();
}

}  // namespace

std::string ResourcePattern::ToString() const {
  switch (kind) {
    case PatternKind::kAny:
      return "any";
    case PatternKind::kType:
    case PatternKind::kPath:
      return text;
    case PatternKind::kRegex: {
      std::string out = "~\"";
      for (char c : text) {
        if (c == '"') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('"');
      return out;
    }
  }
  return "";
}

std::string Rule::ToString() const {
  std::string out = deny ? "deny " : "";
  absl::StrAppend(&out, resource.ToString(), ":", action, "(");
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(roles[i].ToString());
  }
  out.push_back(')');
  return out;
}

bool Rule::SameValue(const Rule& other) const {
  return deny == other.deny && resource == other.resource &&
         action == other.action && roles == other.roles;
}

absl::StatusOr<Rule> ParseRule(absl::string_view text,
                               const ParseOptions& options) {
  Rule rule;
  size_t pos = 0;
  if (text.empty()) {
    return SyntaxError(
        "empty rule: expected `RESOURCE:ACTION(ROLES)`, e.g. "
        "`document:read(any)`",
        0);
  }
  if (IsSpace(text[0])) return WhitespaceError(0);
  if (absl::StartsWith(text, "deny") && text.size() > 4 && IsSpace(text[4])) {
    if (text[4] != ' ') return WhitespaceError(4);
    rule.deny = true;
    pos = 5;
    if (pos < text.size() && IsSpace(text[pos])) return WhitespaceError(pos);
  }

  absl::Status status = ParseResource(text, &pos, options, &rule.resource);
  if (!status.ok()) return status;
  if (pos >= text.size()) {
    return SyntaxError(
        absl::StrCat("expected `:` and an action after the resource `",
                     text.substr(rule.deny ? 5 : 0), "`"),
        pos);
  }
  if (text[pos] != ':') {
    if (IsSpace(text[pos])) return WhitespaceError(pos);
    return SyntaxError("expected `:` and an action after the resource", pos);
  }
  ++pos;

  // The action.
  size_t action_start = pos;
  if (pos < text.size() && text[pos] == '*') {
    ++pos;
  } else {
    if (pos >= text.size() || !IsAsciiLower(text[pos])) {
      if (pos < text.size() && IsSpace(text[pos])) return WhitespaceError(pos);
      return SyntaxError(
          "expected an action after `:`: `read`, `create`, `update`, "
          "`delete`, `write`, `*` or a lower-case custom action",
          pos);
    }
    while (pos < text.size() && IsLowerIdentChar(text[pos])) {
      if (pos - action_start >= kMaxIdentifierBytes) {
        return SyntaxError("action longer than 64 characters", pos);
      }
      ++pos;
    }
  }
  rule.action = std::string(text.substr(action_start, pos - action_start));

  if (pos >= text.size()) {
    absl::string_view intent = rule.deny ? "deny" : "grant";
    return SyntaxError(absl::StrCat("rule `", text, "` names no roles; write `",
                                    text, "(any)` to ", intent, " everyone"),
                       pos);
  }
  char open = text[pos];
  if (open != '(' && open != '[') {
    if (IsSpace(open)) return WhitespaceError(pos);
    return SyntaxError("expected `(` or `[` after the action", pos);
  }
  const char close = open == '(' ? ')' : ']';
  ++pos;
  if (pos < text.size() && text[pos] == close) {
    absl::string_view head = text.substr(0, action_start + rule.action.size());
    return SyntaxError(
        absl::StrCat("empty role list: name at least one role, e.g. `", head,
                     "(any)` to grant everyone"),
        pos);
  }

  // The roles.
  size_t count = 0;
  std::unordered_set<std::string> seen;
  while (true) {
    size_t role_start = pos;
    if (pos < text.size() && IsSpace(text[pos])) return WhitespaceError(pos);
    int depth = 0;
    while (pos < text.size()) {
      char c = text[pos];
      if (c == '[') {
        ++depth;
      } else if (c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ')' || c == ',' || IsSpace(c)) {
        break;
      }
      ++pos;
    }
    absl::string_view role_text = text.substr(role_start, pos - role_start);
    if (role_text.empty()) {
      return SyntaxError(
          absl::StrCat("expected a role before `",
                       pos < text.size() ? text.substr(pos, 1) : "", "`"),
          pos);
    }
    if (++count > options.max_roles_per_rule) {
      return SyntaxError(
          absl::StrCat("more than ", options.max_roles_per_rule,
                       " roles in one rule (max_roles_per_rule)"),
          role_start);
    }
    absl::StatusOr<Role> role = ParseRole(role_text, RoleSyntax::kRule);
    if (!role.ok()) return ShiftErrorOffset(role.status(), role_start);
    // Every field of the role, so that equal keys mean equal roles; a set
    // keeps de-duplication linear in the length of the list.
    std::string key = absl::StrCat(static_cast<int>(role->kind), ":",
                                   role->attribute ? "$" : "", role->id,
                                   std::string(1, '\0'), role->dimension);
    if (seen.insert(std::move(key)).second) {
      rule.roles.push_back(*std::move(role));
    }

    if (pos >= text.size()) {
      return SyntaxError(absl::StrCat("missing `", std::string(1, close),
                                      "` at the end of the role list"),
                         pos);
    }
    char c = text[pos];
    if (c == ',') {
      ++pos;
      while (pos < text.size() && text[pos] == ' ') ++pos;
      continue;
    }
    if (c == close) {
      ++pos;
      break;
    }
    if (IsSpace(c)) return WhitespaceError(pos);
    return SyntaxError(absl::StrCat("expected `,` or `", std::string(1, close),
                                    "` after a role"),
                       pos);
  }
  if (pos != text.size()) {
    if (IsSpace(text[pos])) return WhitespaceError(pos);
    return SyntaxError(
        absl::StrCat("unexpected text after `", std::string(1, close),
                     "`: a rule ends with its role list"),
        pos);
  }
  return rule;
}

}  // namespace warden
