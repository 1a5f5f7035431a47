#include "parser/json/acl_data.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_internal.h"
#include "parser/json/json_document.h"
#include "parser/resource.h"
#include "parser/syntax_error.h"

namespace warden {

void AclData::Append(AclData other) {
  resources.reserve(resources.size() + other.resources.size());
  for (ResourceAcl& r : other.resources) resources.push_back(std::move(r));
  rules.reserve(rules.size() + other.rules.size());
  for (Rule& r : other.rules) rules.push_back(std::move(r));
}

namespace json_internal {

void ReadAclEntries(const JsonDocument& doc, const Json& list,
                    absl::string_view what, AclScope scope,
                    DiagnosticCollector& diags,
                    std::vector<AclEntry>* entries) {
  const size_t list_offset = doc.OffsetOr(list, 0);
  if (!list.is_array()) {
    diags.Error(list_offset,
                absl::StrCat(what, " must be an array of strings, not ",
                             JsonTypeName(list)));
    return;
  }
  if (list.size() > static_cast<size_t>(kMaxAclEntriesPerResource)) {
    diags.Error(list_offset,
                absl::StrCat("too many permissions in ", what, ": ",
                             list.size(), " given, at most ",
                             kMaxAclEntriesPerResource, " per resource"));
  }
  for (const Json& item : list) {
    if (!item.is_string()) {
      diags.Error(doc.OffsetOr(item, list_offset),
                  absl::StrCat("every permission must be a string; ", what,
                               " holds ", JsonTypeName(item)));
      continue;
    }
    doc.MarkRead(item);
    const std::string& text = item.get_ref<const std::string&>();
    absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
    if (!entry.ok()) {
      size_t at = ErrorOffset(entry.status()).value_or(0);
      diags.Error(doc.StringByteOffset(item, at).value_or(list_offset),
                  std::string(entry.status().message()));
      continue;
    }
    entries->push_back(*std::move(entry));
  }
}

bool IsValidPathSegment(absl::string_view segment) {
  if (segment.empty() || segment.size() > 64) return false;
  for (char c : segment) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ResourceRegistry::Add(const std::string& path, const SourceLocation& where,
                           SourceLocation* first) {
  auto [it, inserted] = seen_.try_emplace(path, where);
  if (!inserted) *first = it->second;
  return inserted;
}

void ResourceRegistry::Append(ResourceAcl acl, size_t error_offset,
                              DiagnosticCollector& diags, AclData& data) {
  SourceLocation first;
  if (!Add(acl.resource, acl.location, &first)) {
    diags.Error(error_offset,
                absl::StrCat("duplicate resource ", Quote(acl.resource),
                             ": already given at line ", first.line));
    return;
  }
  data.resources.push_back(std::move(acl));
}

}  // namespace json_internal

namespace {

using json_internal::DiagnosticCollector;
using json_internal::Json;
using json_internal::JsonDocument;
using json_internal::Quote;

constexpr absl::string_view kResource = "resource";
constexpr absl::string_view kPermissions = "permissions";
constexpr absl::string_view kDocumentSecurity = "documentSecurity";
constexpr absl::string_view kRowSecurity = "rowSecurity";
constexpr absl::string_view kFileSecurity = "fileSecurity";

bool IsWhitespace(absl::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Reads one line's object; adds the resource to `data` unless its path is
// invalid or a duplicate.
void ReadAclLine(const JsonDocument& doc, DiagnosticCollector& diags,
                 json_internal::ResourceRegistry& registry, AclData& data) {
  const Json& object = doc.root();
  if (!object.is_object()) {
    diags.Error(doc.OffsetOr(object, 0),
                absl::StrCat("expected a JSON object with `resource` and "
                             "`permissions`, not ",
                             json_internal::JsonTypeName(object)));
    return;
  }
  const size_t object_offset = doc.OffsetOr(object, 0);
  for (const auto& [key, value] : object.items()) {
    if (key != kResource && key != kPermissions && key != kDocumentSecurity &&
        key != kRowSecurity && key != kFileSecurity) {
      diags.Error(doc.MemberOffset(object, key, object_offset),
                  absl::StrCat("unknown field ", Quote(key),
                               "; expected `resource`, `permissions`, "
                               "`documentSecurity`, `rowSecurity` or "
                               "`fileSecurity`"));
    }
  }

  // The resource.
  std::optional<std::string> path;
  size_t resource_offset = object_offset;
  auto resource_it = object.find(kResource);
  if (resource_it == object.end()) {
    diags.Error(object_offset, "missing field `resource`");
  } else if (!resource_it->is_string()) {
    diags.Error(doc.MemberOffset(object, kResource, object_offset),
                absl::StrCat("field `resource` must be a string, not ",
                             json_internal::JsonTypeName(*resource_it)));
  } else {
    const std::string& text = resource_it->get_ref<const std::string&>();
    resource_offset = doc.OffsetOr(*resource_it, object_offset);
    absl::StatusOr<std::string> normalised = NormalizeResourcePath(text);
    if (normalised.ok()) {
      path = *std::move(normalised);
    } else {
      size_t at = ErrorOffset(normalised.status()).value_or(0);
      diags.Error(
          doc.StringByteOffset(*resource_it, at).value_or(resource_offset),
          std::string(normalised.status().message()));
    }
  }
  const absl::string_view type =
      path ? ResourceType(*path) : absl::string_view();
  const bool leaf = path && IsLeafType(type);

  // The security flag.
  std::optional<bool> security;
  std::optional<bool> collection_flag;  // documentSecurity / rowSecurity
  for (absl::string_view flag :
       {kDocumentSecurity, kRowSecurity, kFileSecurity}) {
    auto it = object.find(flag);
    if (it == object.end()) continue;
    const size_t flag_offset = doc.MemberOffset(object, flag, object_offset);
    if (!it->is_boolean()) {
      diags.Error(flag_offset,
                  absl::StrCat("field `", flag, "` must be true or false, not ",
                               json_internal::JsonTypeName(*it)));
      continue;
    }
    const bool value = it->get<bool>();
    const bool for_buckets = flag == kFileSecurity;
    const absl::string_view wanted = for_buckets ? "bucket" : "collection";
    if (path && type != wanted) {
      std::string hint;
      if (for_buckets && type == "collection") {
        hint = " (collections use `documentSecurity`)";
      } else if (!for_buckets && type == "bucket") {
        hint = " (buckets use `fileSecurity`)";
      }
      diags.Error(flag_offset,
                  absl::StrCat("`", flag, "` applies only to a ", wanted, "; ",
                               Quote(*path), " is a ", Quote(type), hint));
      continue;
    }
    if (!for_buckets) {
      if (collection_flag && *collection_flag != value) {
        diags.Error(flag_offset,
                    "`documentSecurity` and `rowSecurity` are the same flag "
                    "and disagree");
        continue;
      }
      collection_flag = value;
    }
    security = value;
  }

  // The permissions.
  std::vector<AclEntry> entries;
  auto permissions_it = object.find(kPermissions);
  if (permissions_it == object.end()) {
    diags.Error(object_offset, "missing field `permissions`");
  } else {
    json_internal::ReadAclEntries(doc, *permissions_it, "`permissions`",
                                  leaf ? AclScope::kLeaf : AclScope::kContainer,
                                  diags, &entries);
  }

  if (!path) return;
  ResourceAcl acl;
  acl.resource = *std::move(path);
  acl.entries = std::move(entries);
  acl.security = security;
  acl.location = diags.Locate(object_offset);
  registry.Append(std::move(acl), resource_offset, diags, data);
}

}  // namespace

AclParseResult ParseAclJsonLines(absl::string_view text,
                                 absl::string_view file_name) {
  AclParseResult result;
  DiagnosticCollector diags(file_name);
  json_internal::ResourceRegistry registry;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsWhitespace(line)) continue;
    diags.SetText(line, line_number);
    JsonDocument doc;
    json_internal::JsonParseError error;
    if (!doc.Parse(line, &error)) {
      diags.Error(error.offset, std::move(error.message));
      continue;
    }
    ReadAclLine(doc, diags, registry, result.data);
  }
  result.diagnostics = diags.Finish();
  return result;
}

}  // namespace warden
