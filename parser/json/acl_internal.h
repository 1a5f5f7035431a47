// Internal to parser/json: pieces shared by the ACL data reader and the
// Appwrite project importer.
#ifndef WARDEN_PARSER_JSON_ACL_INTERNAL_H_
#define WARDEN_PARSER_JSON_ACL_INTERNAL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/json/json_document.h"

namespace warden::json_internal {

// Reads `list`, which must be an array of strings, as ACL entries for a
// resource of the given scope, appending the valid ones to `entries` and
// reporting every invalid one at the offending byte. `what` names the list in
// messages (e.g. "`permissions`"). Also reports more than
// kMaxAclEntriesPerResource entries.
void ReadAclEntries(const JsonDocument& doc, const Json& list,
                    absl::string_view what, AclScope scope,
                    DiagnosticCollector& diags, std::vector<AclEntry>* entries);

// True if `segment` may be one segment of a resource path (1-64 of
// [A-Za-z0-9._-]).
bool IsValidPathSegment(absl::string_view segment);

// The resources already read from one input, to report duplicates.
class ResourceRegistry {
 public:
  // Returns true and records `path` if it was not seen before; else returns
  // false and sets `*first` to where it was first given.
  bool Add(const std::string& path, const SourceLocation& where,
           SourceLocation* first);

  // Appends `acl` to `data` if its resource was not seen before; else
  // reports a duplicate at `error_offset` (naming the first line) and drops
  // it.
  void Append(ResourceAcl acl, size_t error_offset, DiagnosticCollector& diags,
              AclData& data);

 private:
  absl::flat_hash_map<std::string, SourceLocation> seen_;
};

}  // namespace warden::json_internal

#endif  // WARDEN_PARSER_JSON_ACL_INTERNAL_H_
