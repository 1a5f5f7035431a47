// ACL data: per-resource Appwrite ACL lists, read from JSON Lines or imported
// from Appwrite project files (appwrite.json / appwrite.config.json, in the
// 1.x `collections` form, the `tablesDB`/`tables` form and the 0.x
// `$read`/`$write` form).
#ifndef WARDEN_PARSER_JSON_ACL_DATA_H_
#define WARDEN_PARSER_JSON_ACL_DATA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/rule.h"

namespace warden {

// The ACL of one resource, as written (before `write` is expanded).
struct ResourceAcl {
  std::string resource;           // normalised path
  std::vector<AclEntry> entries;  // in input order; index = position written
  // The security flag, when the input sets it: `documentSecurity` /
  // `rowSecurity` on collections, `fileSecurity` on buckets. A missing flag
  // means false (Appwrite's default).
  std::optional<bool> security;
  SourceLocation location;
};

struct AclData {
  std::vector<ResourceAcl> resources;
  // Rules made from Appwrite function `execute` lists:
  // `functions/F:execute(ROLES)`.
  std::vector<Rule> rules;

  // Appends every resource and rule of `other`.
  void Append(AclData other);
};

struct AclParseResult {
  AclData data;  // what parsed (also when there are errors)
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return !HasErrors(diagnostics); }
};

// JSON Lines, one resource per line (CLI.md "ACL data"):
//   {"resource": "databases/d1/collections/c1",
//    "permissions": ["read(\"any\")"], "documentSecurity": true}
// Blank lines are skipped. Errors: malformed JSON, unknown or mistyped
// fields, an invalid path, an invalid entry (ParseAclEntry with the
// resource's scope), more than 100 entries, two lines for the same
// (normalised) resource, a security flag on the wrong kind of container.
// Every error names file:line:column.
AclParseResult ParseAclJsonLines(absl::string_view text,
                                 absl::string_view file_name);

// An Appwrite project file. Collections/tables become
// `databases/D/collections/C` with their permissions and security flag,
// buckets `buckets/B`, functions' `execute` lists rules
// `functions/F:execute(ROLES)` (roles in ACL-entry spelling). Legacy 0.x
// `$read`/`$write` lists are mapped as LANGUAGE.md §3 says (with a warning
// for `role:guest` in `$write`). Sections that can hold secrets (`vars`,
// `env`, keys, ...) are never read into the result or printed.
AclParseResult ImportAppwriteProject(absl::string_view json_text,
                                     absl::string_view file_name);

}  // namespace warden

#endif  // WARDEN_PARSER_JSON_ACL_DATA_H_
