#include "parser/policy.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "parser/diagnostic.h"
#include "parser/resource.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"
#include "parser/text_internal.h"

namespace warden {
namespace {

using parser_internal::IsAsciiAlnum;
using parser_internal::IsCustomRoleChar;
using parser_internal::IsSpace;

// ---------------------------------------------------------------------------
// Lines and comments.

// Splits `text` into lines (without their '\n'); a final newline does not
// start another line.
std::vector<absl::string_view> SplitLines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The line as shown under a diagnostic: without a trailing '\r'.
absl::string_view DisplayLine(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Offset of the `#` that starts a comment (outside `~"…"`), or npos.
size_t CommentStart(absl::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#') return i;
    if (line[i] == '~' && i + 1 < line.size() && line[i + 1] == '"') {
      size_t j = i + 2;
      while (j < line.size() && !(line[j] == '"' && line[j - 1] != '\\')) ++j;
      if (j >= line.size()) return absl::string_view::npos;
      i = j;
    }
  }
  return absl::string_view::npos;
}

absl::string_view TrimTrailing(absl::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------
// One line.

enum class StatementKind { kBlank, kRole, kRule, kFlag, kError };

struct LineResult {
  StatementKind kind = StatementKind::kBlank;
  size_t statement_offset = 0;  // byte offset of the statement in the line
  absl::string_view comment;    // from `#`, trailing whitespace removed
  RoleDeclaration declaration;
  Rule rule;
  SecurityFlag flag;
  std::string error;
  size_t error_offset = 0;  // byte offset in the line
};

struct LineError {
  std::string message;
  size_t offset;  // in the statement
};

bool StartsWithKeyword(absl::string_view statement, absl::string_view keyword) {
  return statement.size() > keyword.size() &&
         absl::StartsWith(statement, keyword) &&
         (statement[keyword.size()] == ' ' ||
          statement[keyword.size()] == '\t');
}

size_t SkipBlanks(absl::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  return pos;
}

absl::string_view BuiltinForReserved(absl::string_view name) {
  if (name == "any" || name == "all") return "any";
  if (name == "guest" || name == "guests") return "guests";
  if (name == "user") return "user:ID";
  if (name == "users") return "users";
  if (name == "team") return "team:ID";
  if (name == "member") return "member:ID";
  return "label:NAME";
}

// Scans a custom role name at `pos`; on success sets `*name` and advances.
std::optional<LineError> ScanRoleName(absl::string_view s, size_t* pos,
                                      absl::string_view* name) {
  size_t start = *pos;
  size_t end = start;
  while (end < s.size() && IsCustomRoleChar(s[end])) ++end;
  absl::string_view token = s.substr(start, end - start);
  if (token.empty()) {
    return LineError{
        "expected a role name: 1-36 characters, a letter or digit "
        "first, then letters, digits, `-` and `_`",
        start};
  }
  if (!IsAsciiAlnum(token[0])) {
    return LineError{absl::StrCat("invalid role name `", token,
                                  "`: the first character must be a letter or "
                                  "a digit"),
                     start};
  }
  if (token.size() > 36) {
    return LineError{
        absl::StrCat("role name `", token, "` is longer than 36 characters"),
        start + 36};
  }
  if (IsReservedRoleName(token)) {
    return LineError{absl::StrCat("`", token,
                                  "` is a reserved role name; use the "
                                  "built-in role `",
                                  BuiltinForReserved(token), "` instead"),
                     start};
  }
  *name = token;
  *pos = end;
  return std::nullopt;
}

// `role NAME[: P, ...]`.
std::optional<LineError> ParseDeclaration(absl::string_view s,
                                          const ParseOptions& options,
                                          RoleDeclaration* declaration) {
  size_t pos = SkipBlanks(s, 4);
  absl::string_view name;
  if (auto error = ScanRoleName(s, &pos, &name)) return error;
  declaration->name = std::string(name);
  if (pos == s.size()) return std::nullopt;
  if (s[pos] != ':') {
    if (s[pos] == ' ' || s[pos] == '\t') {
      return LineError{
          "unexpected whitespace after the role name: write "
          "`role NAME: PARENT, ...`",
          pos};
    }
    return LineError{
        absl::StrCat(
            "unexpected character after role name `", name,
            "`: expected `:` and parent roles, or the end of the line"),
        pos};
  }
  ++pos;
  size_t count = 0;
  std::unordered_set<std::string> seen;  // keeps de-duplication linear
  while (true) {
    pos = SkipBlanks(s, pos);
    if (++count > options.max_parents_per_declaration) {
      return LineError{
          absl::StrCat("more than ", options.max_parents_per_declaration,
                       " parent roles in one declaration "
                       "(max_parents_per_declaration)"),
          pos};
    }
    absl::string_view parent;
    if (auto error = ScanRoleName(s, &pos, &parent)) return error;
    if (seen.insert(std::string(parent)).second) {
      declaration->parents.push_back(std::string(parent));
    }
    if (pos == s.size()) return std::nullopt;
    if (s[pos] != ',') {
      return LineError{"expected `,` between parent roles", pos};
    }
    ++pos;
  }
}

// `(collection|table|bucket) PATH FLAG`.
std::optional<LineError> ParseFlag(absl::string_view s,
                                   absl::string_view keyword,
                                   SecurityFlag* flag) {
  size_t path_start = SkipBlanks(s, keyword.size());
  size_t path_end = path_start;
  while (path_end < s.size() && !IsSpace(s[path_end])) ++path_end;
  absl::string_view path = s.substr(path_start, path_end - path_start);
  size_t flag_start = SkipBlanks(s, path_end);
  size_t flag_end = flag_start;
  while (flag_end < s.size() && !IsSpace(s[flag_end])) ++flag_end;
  absl::string_view flag_name = s.substr(flag_start, flag_end - flag_start);
  const bool bucket = keyword == "bucket";

  absl::StatusOr<std::string> normalized = NormalizeResourcePath(path);
  if (!normalized.ok()) {
    return LineError{std::string(normalized.status().message()),
                     path_start + ErrorOffset(normalized.status()).value_or(0)};
  }
  if (flag_name.empty()) {
    return LineError{
        absl::StrCat("expected a security flag after the path: `",
                     bucket ? "fileSecurity" : "documentSecurity", "`"),
        flag_start};
  }
  if (flag_end != s.size()) {
    return LineError{"unexpected text after the security flag",
                     SkipBlanks(s, flag_end)};
  }
  std::optional<SecurityFlagKind> kind;
  if (flag_name == "documentSecurity" || flag_name == "rowSecurity") {
    kind = SecurityFlagKind::kDocumentSecurity;
  } else if (flag_name == "fileSecurity") {
    kind = SecurityFlagKind::kFileSecurity;
  } else {
    return LineError{absl::StrCat("unknown security flag `", flag_name,
                                  "`: expected `documentSecurity`, "
                                  "`rowSecurity` or `fileSecurity`"),
                     flag_start};
  }
  if (bucket && *kind != SecurityFlagKind::kFileSecurity) {
    return LineError{absl::StrCat("`", flag_name,
                                  "` belongs to collections; a bucket takes "
                                  "`fileSecurity`"),
                     flag_start};
  }
  if (!bucket && *kind != SecurityFlagKind::kDocumentSecurity) {
    return LineError{
        absl::StrCat("`", flag_name, "` belongs to buckets; a `", keyword,
                     "` takes `documentSecurity` or "
                     "`rowSecurity`"),
        flag_start};
  }
  std::vector<absl::string_view> segments = absl::StrSplit(*normalized, '/');
  bool path_ok = bucket ? segments.size() == 2 && segments[0] == "buckets"
                        : segments.size() == 4 && segments[0] == "databases" &&
                              segments[2] == "collections";
  if (!path_ok) {
    return LineError{
        absl::StrCat("`", keyword, "` needs ",
                     bucket ? "a bucket path `buckets/B`"
                            : "a collection path `databases/D/collections/C`",
                     ", not `", path, "`"),
        path_start};
  }
  flag->container = *std::move(normalized);
  flag->kind = *kind;
  return std::nullopt;
}

LineResult ParseLine(absl::string_view line, const ParseOptions& options) {
  LineResult result;
  size_t comment = CommentStart(line);
  absl::string_view code = line;
  if (comment != absl::string_view::npos) {
    result.comment = TrimTrailing(line.substr(comment));
    code = line.substr(0, comment);
  }
  size_t start = 0;
  while (start < code.size() && IsSpace(code[start])) ++start;
  absl::string_view statement = TrimTrailing(code.substr(start));
  result.statement_offset = start;
  if (statement.empty()) {
    result.kind = StatementKind::kBlank;
    return result;
  }
  std::optional<LineError> error;
  if (statement == "role") {
    result.kind = StatementKind::kRole;
    error = LineError{"expected a role name after `role`", statement.size()};
  } else if (StartsWithKeyword(statement, "role")) {
    result.kind = StatementKind::kRole;
    error = ParseDeclaration(statement, options, &result.declaration);
  } else if (StartsWithKeyword(statement, "collection") ||
             StartsWithKeyword(statement, "table") ||
             StartsWithKeyword(statement, "bucket")) {
    result.kind = StatementKind::kFlag;
    absl::string_view keyword =
        statement.substr(0, statement.find_first_of(" \t"));
    error = ParseFlag(statement, keyword, &result.flag);
  } else {
    result.kind = StatementKind::kRule;
    absl::StatusOr<Rule> rule = ParseRule(statement, options);
    if (rule.ok()) {
      result.rule = *std::move(rule);
    } else {
      error = LineError{std::string(rule.status().message()),
                        ErrorOffset(rule.status()).value_or(0)};
    }
  }
  if (error.has_value()) {
    result.kind = StatementKind::kError;
    result.error = std::move(error->message);
    result.error_offset = start + error->offset;
  }
  return result;
}

// ---------------------------------------------------------------------------
// Whole files.

// Keeps the first `max` diagnostics and sums up the rest, plus
// `suppressed_errors` errors never stored, in one final diagnostic (an error
// if any of them is one).
void CapDiagnostics(size_t max, absl::string_view file,
                    std::vector<Diagnostic>* diagnostics,
                    size_t suppressed_errors) {
  size_t suppressed = suppressed_errors;
  bool any_error = suppressed_errors > 0;
  // The summary points at the first diagnostic it stands for when that one
  // was collected, else at the last one shown, so that it has a location
  // like every other.
  SourceLocation where;
  where.file = std::string(file);
  if (!diagnostics->empty()) {
    where = (*diagnostics)[std::min(max, diagnostics->size() - 1)].location;
  }
  where.line = std::max(where.line, 1);
  where.column = std::max(where.column, 1);
  if (diagnostics->size() > max) {
    suppressed += diagnostics->size() - max;
    for (size_t i = max; i < diagnostics->size(); ++i) {
      any_error = any_error || (*diagnostics)[i].severity == Severity::kError;
    }
    diagnostics->resize(max);
  }
  if (suppressed == 0) return;
  Diagnostic summary;
  summary.severity = any_error ? Severity::kError : Severity::kWarning;
  summary.location = std::move(where);
  summary.message = absl::StrCat(suppressed,
                                 " more diagnostics not shown "
                                 "(max_diagnostics)");
  diagnostics->push_back(std::move(summary));
}

void SortByLine(std::vector<Diagnostic>* diagnostics) {
  std::stable_sort(diagnostics->begin(), diagnostics->end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.location.line < b.location.line;
                   });
}

// Parses one file without the whole-policy checks.
PolicyParseResult ParseOneFile(absl::string_view text,
                               absl::string_view file_name,
                               const ParseOptions& options,
                               size_t* suppressed) {
  PolicyParseResult result;
  *suppressed = 0;
  if (text.size() > options.max_policy_bytes) {
    Diagnostic d;
    d.location.file = std::string(file_name);
    d.location.line = 1;  // the whole file: point at its start
    d.location.column = 1;
    d.message = absl::StrCat(
        "policy file is ", text.size(), " bytes, over the limit of ",
        options.max_policy_bytes, " bytes (max_policy_bytes)");
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  std::vector<absl::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    LineResult parsed = ParseLine(lines[i], options);
    SourceLocation location;
    location.file = std::string(file_name);
    location.line = static_cast<int>(i + 1);
    location.column = static_cast<int>(parsed.statement_offset + 1);
    switch (parsed.kind) {
      case StatementKind::kBlank:
        break;
      case StatementKind::kRole:
        parsed.declaration.location = std::move(location);
        result.policy.roles.push_back(std::move(parsed.declaration));
        break;
      case StatementKind::kRule:
        parsed.rule.location = std::move(location);
        result.policy.rules.push_back(std::move(parsed.rule));
        break;
      case StatementKind::kFlag:
        parsed.flag.location = std::move(location);
        result.policy.flags.push_back(std::move(parsed.flag));
        break;
      case StatementKind::kError: {
        if (result.diagnostics.size() >= options.max_diagnostics) {
          ++*suppressed;
          break;
        }
        Diagnostic d;
        d.severity = Severity::kError;
        d.location = std::move(location);
        d.location.column = static_cast<int>(parsed.error_offset + 1);
        d.message = parser_internal::EscapeControlCharacters(parsed.error);
        d.source_line = std::string(DisplayLine(lines[i]));
        result.diagnostics.push_back(std::move(d));
        break;
      }
    }
  }
  return result;
}

// Fills in missing source lines of the diagnostics that point into `file`.
// The file is split into lines only if a diagnostic needs it.
void AttachLinesOfFile(absl::string_view file, absl::string_view text,
                       std::vector<Diagnostic>* diagnostics) {
  std::optional<std::vector<absl::string_view>> lines;
  for (Diagnostic& d : *diagnostics) {
    if (!d.source_line.empty() || d.location.line <= 0 ||
        d.location.file != file) {
      continue;
    }
    if (!lines.has_value()) lines = SplitLines(text);
    size_t index = static_cast<size_t>(d.location.line - 1);
    if (index < lines->size()) {
      d.source_line = std::string(DisplayLine((*lines)[index]));
    }
  }
}

// ---------------------------------------------------------------------------
// Role hierarchy.

// The role hierarchy as a graph over dense ids: an edge child -> parent.
struct RoleGraph {
  std::vector<std::string> names;  // by id, in order of first appearance
  std::unordered_map<std::string, int> ids;
  std::vector<std::vector<int>> parents;  // every edge of the policy

  int Intern(const std::string& name) {
    auto [it, inserted] = ids.try_emplace(name, static_cast<int>(names.size()));
    if (inserted) {
      names.push_back(name);
      parents.emplace_back();
    }
    return it->second;
  }
};

// Strongly connected components (Tarjan, iterative): the component of every
// node. Two roles can lie on one cycle only if they share a component.
std::vector<int> Components(const std::vector<std::vector<int>>& edges) {
  const int n = static_cast<int>(edges.size());
  std::vector<int> index(n, -1), low(n, 0), component(n, -1);
  std::vector<bool> on_stack(n, false);
  std::vector<int> stack;
  std::vector<std::pair<int, size_t>> work;  // (node, next edge)
  int next_index = 0;
  int next_component = 0;
  for (int root = 0; root < n; ++root) {
    if (index[root] != -1) continue;
    work.push_back({root, 0});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!work.empty()) {
      auto& [node, edge] = work.back();
      if (edge < edges[node].size()) {
        int next = edges[node][edge++];
        if (index[next] == -1) {
          index[next] = low[next] = next_index++;
          stack.push_back(next);
          on_stack[next] = true;
          work.push_back({next, 0});
        } else if (on_stack[next]) {
          low[node] = std::min(low[node], index[next]);
        }
        continue;
      }
      int done = node;
      work.pop_back();
      if (!work.empty()) {
        int caller = work.back().first;
        low[caller] = std::min(low[caller], low[done]);
      }
      if (low[done] == index[done]) {
        int member;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = false;
          component[member] = next_component;
        } while (member != done);
        ++next_component;
      }
    }
  }
  return component;
}

// A path of `added` edges from `from` to `to` within `component`, both ends
// included, or empty. `came_from` is scratch space of one entry per node.
std::vector<int> FindPath(const std::vector<std::vector<int>>& added,
                          const std::vector<int>& components, int from, int to,
                          std::vector<int>* came_from,
                          std::vector<int>* touched) {
  for (int node : *touched) (*came_from)[node] = -1;
  touched->clear();
  const int component = components[from];
  std::vector<int> stack = {from};
  (*came_from)[from] = from;
  touched->push_back(from);
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    if (node == to) {
      std::vector<int> path = {node};
      while (node != from) {
        node = (*came_from)[node];
        path.push_back(node);
      }
      std::reverse(path.begin(), path.end());
      return path;
    }
    for (int next : added[node]) {
      if (components[next] != component || (*came_from)[next] != -1) continue;
      (*came_from)[next] = node;
      touched->push_back(next);
      stack.push_back(next);
    }
  }
  return {};
}

}  // namespace

void Policy::Append(Policy other) {
  roles.insert(roles.end(), std::make_move_iterator(other.roles.begin()),
               std::make_move_iterator(other.roles.end()));
  rules.insert(rules.end(), std::make_move_iterator(other.rules.begin()),
               std::make_move_iterator(other.rules.end()));
  flags.insert(flags.end(), std::make_move_iterator(other.flags.begin()),
               std::make_move_iterator(other.flags.end()));
}

void ValidatePolicy(const Policy& policy,
                    std::vector<Diagnostic>* diagnostics) {
  // Ids in order of first appearance, to name each cycle from its earliest
  // role.
  RoleGraph graph;
  for (const RoleDeclaration& declaration : policy.roles) {
    int child = graph.Intern(declaration.name);
    for (const std::string& parent : declaration.parents) {
      int parent_id = graph.Intern(parent);
      graph.parents[child].push_back(parent_id);
    }
  }
  const std::vector<int> components = Components(graph.parents);
  std::vector<int> component_size(graph.names.size(), 0);
  for (int c : components) ++component_size[c];

  // Add edges in input order; an edge that closes a cycle is reported at its
  // declaration and left out. Only edges inside one component can close one,
  // so an acyclic hierarchy costs no search at all.
  std::vector<std::vector<int>> added(graph.names.size());
  std::vector<int> came_from(graph.names.size(), -1);
  std::vector<int> touched;
  for (const RoleDeclaration& declaration : policy.roles) {
    const int child = graph.ids.at(declaration.name);
    for (const std::string& parent_name : declaration.parents) {
      const int parent = graph.ids.at(parent_name);
      std::vector<int> back;
      if (parent == child) {
        back = {child};
      } else if (components[parent] == components[child] &&
                 component_size[components[child]] > 1) {
        back = FindPath(added, components, parent, child, &came_from, &touched);
      }
      if (back.empty()) {
        added[child].push_back(parent);
        continue;
      }
      // The cycle: child -> parent -> ... -> child.
      std::vector<int> cycle = {child};
      if (parent != child)
        cycle.insert(cycle.end(), back.begin(), back.end() - 1);
      size_t start = 0;
      for (size_t i = 1; i < cycle.size(); ++i) {
        if (cycle[i] < cycle[start]) start = i;
      }
      // Name the cycle from its earliest role; a very long one is shortened
      // in the middle so the message stays readable.
      constexpr size_t kMaxNamed = 32;
      std::vector<std::string> named;
      const size_t length = cycle.size();
      for (size_t i = 0; i <= length; ++i) {
        if (length > kMaxNamed && i == kMaxNamed / 2) {
          named.push_back(
              absl::StrCat("... (", length - kMaxNamed, " more roles)"));
          i = length - kMaxNamed / 2;
        }
        named.push_back(graph.names[cycle[(start + i) % length]]);
      }
      Diagnostic d;
      d.severity = Severity::kError;
      d.location = declaration.location;
      d.message = absl::StrCat("role hierarchy has a cycle: `",
                               absl::StrJoin(named, " -> "), "`");
      diagnostics->push_back(std::move(d));
    }
  }

  // Custom roles used in rules but never declared.
  for (const Rule& rule : policy.rules) {
    std::unordered_set<std::string> reported;
    for (const Role& role : rule.roles) {
      if (role.kind != RoleKind::kCustom) continue;
      if (graph.ids.count(role.id) != 0 || !reported.insert(role.id).second) {
        continue;
      }
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.location = rule.location;
      d.message = absl::StrCat("role `role:", role.id,
                               "` is used in a rule but never declared "
                               "(declare it with `role ",
                               role.id, "`)");
      diagnostics->push_back(std::move(d));
    }
  }
}

void LintPolicy(const Policy& policy, std::vector<Diagnostic>* diagnostics) {
  for (const Rule& rule : policy.rules) {
    auto warn = [&](std::string message) {
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.location = rule.location;
      d.message = std::move(message);
      diagnostics->push_back(std::move(d));
    };
    const ResourcePattern& resource = rule.resource;
    // A plural of a known kind (`documents`) is a type that no real path
    // has: a type is its kind without the trailing `s`. Other names ending
    // in `s` (`bus`, `status`) are ordinary types and are not warned about.
    static constexpr absl::string_view kPluralKinds[] = {
        "databases",   "collections", "documents", "tables",      "rows",
        "buckets",     "files",       "functions", "teams",       "users",
        "memberships", "executions",  "labels",    "members",     "deployments",
        "topics",      "messages",    "providers", "subscribers", "sites"};
    const bool plural_kind =
        resource.kind == PatternKind::kType &&
        std::find(std::begin(kPluralKinds), std::end(kPluralKinds),
                  resource.text) != std::end(kPluralKinds);
    if (plural_kind) {
      absl::string_view singular = resource.text;
      singular.remove_suffix(1);
      warn(absl::StrCat("type `", resource.text,
                        "` matches no resource: a type is its kind without "
                        "the trailing `s` (did you mean `",
                        NormalizeTypeName(singular), "`?)"));
    }
    if (resource.kind == PatternKind::kPath &&
        !absl::EndsWith(resource.text, "/**") && resource.text != "**") {
      size_t segments = static_cast<size_t>(std::count(
                            resource.text.begin(), resource.text.end(), '/')) +
                        1;
      if (segments % 2 != 0) {
        warn(absl::StrCat("path pattern `", resource.text, "` has ", segments,
                          " segments and matches no resource: paths are "
                          "`kind/id` pairs"));
      }
    }
    if (rule.deny) {
      for (const Role& role : rule.roles) {
        if (!role.attribute) continue;
        warn(absl::StrCat("deny rule names `", role.ToString(),
                          "`: when the resource has no `", role.id,
                          "` attribute the deny does not apply"));
      }
    }
  }
}

PolicyParseResult ParsePolicy(absl::string_view text,
                              absl::string_view file_name,
                              const ParseOptions& options) {
  size_t suppressed = 0;
  PolicyParseResult result =
      ParseOneFile(text, file_name, options, &suppressed);
  ValidatePolicy(result.policy, &result.diagnostics);
  AttachLinesOfFile(file_name, text, &result.diagnostics);
  SortByLine(&result.diagnostics);
  CapDiagnostics(options.max_diagnostics, file_name, &result.diagnostics,
                 suppressed);
  return result;
}

PolicyParseResult ParsePolicyFiles(const std::vector<PolicyFile>& files,
                                   const ParseOptions& options) {
  PolicyParseResult result;
  for (const PolicyFile& file : files) {
    size_t suppressed = 0;
    PolicyParseResult one =
        ParseOneFile(file.text, file.name, options, &suppressed);
    CapDiagnostics(options.max_diagnostics, file.name, &one.diagnostics,
                   suppressed);
    result.policy.Append(std::move(one.policy));
    result.diagnostics.insert(result.diagnostics.end(),
                              std::make_move_iterator(one.diagnostics.begin()),
                              std::make_move_iterator(one.diagnostics.end()));
  }
  std::vector<Diagnostic> whole;
  ValidatePolicy(result.policy, &whole);
  AttachSourceLines(files, &whole);
  result.diagnostics.insert(result.diagnostics.end(),
                            std::make_move_iterator(whole.begin()),
                            std::make_move_iterator(whole.end()));
  // Files in the order given, then lines.
  std::unordered_map<std::string, size_t> file_order;
  for (size_t i = 0; i < files.size(); ++i) {
    file_order.try_emplace(files[i].name, i);
  }
  std::stable_sort(
      result.diagnostics.begin(), result.diagnostics.end(),
      [&file_order](const Diagnostic& a, const Diagnostic& b) {
        auto fa = file_order.find(a.location.file);
        auto fb = file_order.find(b.location.file);
        size_t ia = fa == file_order.end() ? file_order.size() : fa->second;
        size_t ib = fb == file_order.end() ? file_order.size() : fb->second;
        if (ia != ib) return ia < ib;
        return a.location.line < b.location.line;
      });
  return result;
}

void AttachSourceLines(const std::vector<PolicyFile>& files,
                       std::vector<Diagnostic>* diagnostics) {
  for (const PolicyFile& file : files) {
    AttachLinesOfFile(file.name, file.text, diagnostics);
  }
}

absl::StatusOr<std::string> FormatPolicy(absl::string_view text,
                                         absl::string_view file_name,
                                         const ParseOptions& options) {
  PolicyParseResult parsed = ParsePolicy(text, file_name, options);
  if (!parsed.ok()) {
    std::vector<Diagnostic> errors;
    for (const Diagnostic& d : parsed.diagnostics) {
      if (d.severity == Severity::kError) errors.push_back(d);
    }
    std::string listing = FormatDiagnostics(errors);
    if (!listing.empty() && listing.back() == '\n') listing.pop_back();
    return absl::InvalidArgumentError(listing);
  }
  std::string out;
  for (absl::string_view line : SplitLines(text)) {
    LineResult parsed_line = ParseLine(line, options);
    std::string statement;
    switch (parsed_line.kind) {
      case StatementKind::kBlank:
      case StatementKind::kError:
        break;
      case StatementKind::kRole: {
        const RoleDeclaration& d = parsed_line.declaration;
        statement = absl::StrCat("role ", d.name);
        if (!d.parents.empty()) {
          absl::StrAppend(&statement, ": ", absl::StrJoin(d.parents, ", "));
        }
        break;
      }
      case StatementKind::kRule:
        statement = parsed_line.rule.ToString();
        break;
      case StatementKind::kFlag:
        statement =
            parsed_line.flag.kind == SecurityFlagKind::kFileSecurity
                ? absl::StrCat("bucket ", parsed_line.flag.container,
                               " fileSecurity")
                : absl::StrCat("collection ", parsed_line.flag.container,
                               " documentSecurity");
        break;
    }
    if (!statement.empty() && !parsed_line.comment.empty()) {
      absl::StrAppend(&out, statement, "  ", parsed_line.comment, "\n");
    } else {
      absl::StrAppend(&out, statement, parsed_line.comment, "\n");
    }
  }
  return out;
}

std::string PrintPolicy(const Policy& policy) {
  std::string out;
  for (const RoleDeclaration& d : policy.roles) {
    absl::StrAppend(&out, "role ", d.name);
    if (!d.parents.empty()) {
      absl::StrAppend(&out, ": ", absl::StrJoin(d.parents, ", "));
    }
    out.push_back('\n');
  }
  for (const SecurityFlag& flag : policy.flags) {
    if (flag.kind == SecurityFlagKind::kFileSecurity) {
      absl::StrAppend(&out, "bucket ", flag.container, " fileSecurity\n");
    } else {
      absl::StrAppend(&out, "collection ", flag.container,
                      " documentSecurity\n");
    }
  }
  for (const Rule& rule : policy.rules) {
    absl::StrAppend(&out, rule.ToString(), "\n");
  }
  return out;
}

}  // namespace warden
