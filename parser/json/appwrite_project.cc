// ImportAppwriteProject: reads the permission-bearing parts of an Appwrite
// project file and nothing else.
//
// What is read, by section (every other top-level key is skipped unread):
//   collections  1.x: {"$id", "databaseId", "$permissions", "documentSecurity"}
//                0.x: {"$id", "databaseId"?, "$read", "$write", "permission"}
//   tables       {"$id", "databaseId", "$permissions", "rowSecurity"}
//   buckets      {"$id", "$permissions", "fileSecurity"} (0.x: "$read",
//                "$write", "permission": "file" | "bucket")
//   functions    {"$id", "execute"}
// Only the strings listed above are ever looked at, so values elsewhere
// (function `vars`, keys, tokens, ...) never reach the result or a message.
// A diagnostic shows its source line only when every string and number on
// that line is one of the values read (a minified file is one line, and that
// line may hold a secret).

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/json/acl_internal.h"
#include "parser/json/json_document.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

using json_internal::DiagnosticCollector;
using json_internal::Json;
using json_internal::JsonDocument;
using json_internal::JsonTypeName;
using json_internal::Quote;

// The database 0.x projects used when a collection names none.
constexpr absl::string_view kLegacyDefaultDatabase = "default";

// Most roles in one function's `execute` list (Appwrite's limit).
constexpr size_t kMaxExecuteRoles = 100;

enum class ContainerKind { kCollection, kTable, kBucket };

absl::string_view KindWord(ContainerKind kind) {
  switch (kind) {
    case ContainerKind::kCollection:
      return "collection";
    case ContainerKind::kTable:
      return "table";
    case ContainerKind::kBucket:
      return "bucket";
  }
  return "collection";
}

bool Has(const Json& object, absl::string_view key) {
  return object.find(key) != object.end();
}

bool IsLegacyContainer(const Json& object) {
  return object.is_object() && (Has(object, "$read") || Has(object, "$write") ||
                                Has(object, "permission"));
}

// The 1.x role for a role of a 0.x list: `role:all` and `*` are `any`,
// `role:guest` is `guests`, `role:member` is `users`; everything else must be
// a valid role in Appwrite's own spelling (`user:ID`, `team:ID/R`, ...).
absl::StatusOr<Role> MapLegacyRole(absl::string_view text) {
  Role role;
  if (text == "role:all" || text == "*") {
    role.kind = RoleKind::kAny;
    return role;
  }
  if (text == "role:guest") {
    role.kind = RoleKind::kGuests;
    return role;
  }
  if (text == "role:member") {
    role.kind = RoleKind::kUsers;
    return role;
  }
  return ParseRole(text, RoleSyntax::kAclEntry);
}

class ProjectImporter {
 public:
  ProjectImporter(const JsonDocument& doc, DiagnosticCollector& diags,
                  AclData& data)
      : doc_(doc), diags_(diags), data_(data) {}

  void Run() {
    const Json& root = doc_.root();
    if (!root.is_object()) {
      diags_.Error(doc_.OffsetOr(root, 0),
                   absl::StrCat("an Appwrite project file must be a JSON "
                                "object, not ",
                                JsonTypeName(root)));
      return;
    }
    legacy_ = DetectLegacy(root);
    ImportContainers(root, "collections", ContainerKind::kCollection);
    ImportContainers(root, "tables", ContainerKind::kTable);
    ImportContainers(root, "buckets", ContainerKind::kBucket);
    ImportFunctions(root);
  }

 private:
  // True if any collection or bucket uses the 0.x `$read`/`$write` form.
  static bool DetectLegacy(const Json& root) {
    for (absl::string_view section : {"collections", "buckets"}) {
      auto it = root.find(section);
      if (it == root.end() || !it->is_array()) continue;
      for (const Json& item : *it) {
        if (IsLegacyContainer(item)) return true;
      }
    }
    return false;
  }

  // The array `section` of `root`, or nullptr (absent, or reported).
  const Json* Section(const Json& root, absl::string_view section) {
    auto it = root.find(section);
    if (it == root.end() || it->is_null()) return nullptr;
    if (!it->is_array()) {
      diags_.Error(doc_.MemberOffset(root, section),
                   absl::StrCat("`", section, "` must be an array, not ",
                                JsonTypeName(*it)));
      return nullptr;
    }
    return &*it;
  }

  // A required id member (`$id`, `databaseId`) that must be a path segment.
  std::optional<std::string> ReadId(const Json& object, absl::string_view key,
                                    absl::string_view owner) {
    const size_t object_offset = doc_.OffsetOr(object, 0);
    auto it = object.find(key);
    if (it == object.end()) {
      diags_.Error(object_offset, absl::StrCat(owner, " has no `", key, "`"));
      return std::nullopt;
    }
    if (!it->is_string()) {
      diags_.Error(doc_.MemberOffset(object, key, object_offset),
                   absl::StrCat("`", key, "` of ", owner,
                                " must be a string, not ", JsonTypeName(*it)));
      return std::nullopt;
    }
    doc_.MarkRead(*it);
    const std::string& id = it->get_ref<const std::string&>();
    if (!json_internal::IsValidPathSegment(id)) {
      diags_.Error(
          doc_.OffsetOr(*it, object_offset),
          absl::StrCat("invalid `", key, "` ", Quote(id), " of ", owner,
                       ": ids must be 1-64 characters of "
                       "[A-Za-z0-9._-]"));
      return std::nullopt;
    }
    return id;
  }

  // A boolean member, if present and well-typed.
  std::optional<bool> ReadBool(const Json& object, absl::string_view key,
                               absl::string_view owner) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      diags_.Error(
          doc_.MemberOffset(object, key),
          absl::StrCat("`", key, "` of ", owner, " must be true or false, not ",
                       JsonTypeName(*it)));
      return std::nullopt;
    }
    return it->get<bool>();
  }

  // Reads a 0.x `$read` or `$write` list into entries.
  void ReadLegacyList(const Json& object, absl::string_view key, bool write,
                      absl::string_view owner, std::vector<AclEntry>* entries) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    const size_t list_offset = doc_.MemberOffset(object, key);
    if (!it->is_array()) {
      diags_.Error(list_offset, absl::StrCat("`", key, "` of ", owner,
                                             " must be an array of roles, not ",
                                             JsonTypeName(*it)));
      return;
    }
    for (const Json& item : *it) {
      if (!item.is_string()) {
        diags_.Error(
            doc_.OffsetOr(item, list_offset),
            absl::StrCat("every role in `", key, "` of ", owner,
                         " must be a string, not ", JsonTypeName(item)));
        continue;
      }
      doc_.MarkRead(item);
      const std::string& text = item.get_ref<const std::string&>();
      const size_t item_offset = doc_.OffsetOr(item, list_offset);
      absl::StatusOr<Role> role = MapLegacyRole(text);
      if (!role.ok()) {
        size_t at = ErrorOffset(role.status()).value_or(0);
        diags_.Error(
            doc_.StringByteOffset(item, at).value_or(item_offset),
            absl::StrCat("invalid role ", Quote(text), " in `", key, "` of ",
                         owner, ": ", role.status().message()));
        continue;
      }
      AclEntry entry;
      entry.action = write ? AclAction::kWrite : AclAction::kRead;
      entry.role = *std::move(role);
      if (write && entry.role.kind == RoleKind::kGuests) {
        diags_.Warning(item_offset,
                       absl::StrCat(Quote(text), " in `$write` of ", owner,
                                    " is dropped: 0.x never let guests "
                                    "write"));
        continue;
      }
      if (write && entry.role.kind == RoleKind::kAny) {
        // 0.x never let guests write: a write for everyone meant every
        // signed-in user.
        entry.role = Role{};
        entry.role.kind = RoleKind::kUsers;
      }
      entries->push_back(std::move(entry));
    }
  }

  // The legacy `permission` model: per-resource permissions on or off.
  std::optional<bool> ReadLegacyModel(const Json& object, ContainerKind kind,
                                      absl::string_view owner) {
    auto it = object.find("permission");
    if (it == object.end() || it->is_null()) return std::nullopt;
    const absl::string_view on =
        kind == ContainerKind::kBucket ? "file" : "document";
    const absl::string_view off =
        kind == ContainerKind::kBucket ? "bucket" : "collection";
    if (it->is_string()) {
      doc_.MarkRead(*it);
      const std::string& model = it->get_ref<const std::string&>();
      if (model == on) return true;
      if (model == off) return false;
    }
    diags_.Error(doc_.MemberOffset(object, "permission"),
                 absl::StrCat("`permission` of ", owner, " must be \"", on,
                              "\" or \"", off, "\""));
    return std::nullopt;
  }

  void ImportContainers(const Json& root, absl::string_view section,
                        ContainerKind kind) {
    const Json* items = Section(root, section);
    if (items == nullptr) return;
    const size_t section_offset = doc_.OffsetOr(*items, 0);
    for (const Json& item : *items) {
      if (!item.is_object()) {
        diags_.Error(
            doc_.OffsetOr(item, section_offset),
            absl::StrCat("every entry of `", section,
                         "` must be an object, not ", JsonTypeName(item)));
        continue;
      }
      ImportContainer(item, kind);
    }
  }

  void ImportContainer(const Json& object, ContainerKind kind) {
    const size_t object_offset = doc_.OffsetOr(object, 0);
    const absl::string_view word = KindWord(kind);
    std::optional<std::string> id = ReadId(object, "$id", word);
    const std::string owner =
        id ? absl::StrCat(word, " ", Quote(*id)) : std::string(word);

    const bool legacy = IsLegacyContainer(object);
    const bool modern = Has(object, "$permissions");
    if (legacy && modern) {
      diags_.Error(object_offset,
                   absl::StrCat(owner,
                                " mixes 0.x `$read`/`$write`/`permission` "
                                "with 1.x `$permissions`"));
      return;
    }

    std::optional<std::string> path;
    if (kind == ContainerKind::kBucket) {
      if (id) path = absl::StrCat("buckets/", *id);
    } else {
      std::optional<std::string> database;
      if (legacy && !Has(object, "databaseId")) {
        database = std::string(kLegacyDefaultDatabase);
      } else {
        database = ReadId(object, "databaseId", owner);
      }
      if (id && database) {
        path = absl::StrCat("databases/", *database, "/collections/", *id);
      }
    }

    // Entries. Collections and buckets are containers: every action is
    // allowed in their lists.
    std::vector<AclEntry> entries;
    if (legacy) {
      ReadLegacyList(object, "$read", /*write=*/false, owner, &entries);
      ReadLegacyList(object, "$write", /*write=*/true, owner, &entries);
      if (entries.size() > static_cast<size_t>(kMaxAclEntriesPerResource)) {
        diags_.Error(object_offset, absl::StrCat("too many permissions on ",
                                                 owner, ": ", entries.size(),
                                                 " after mapping `$read` "
                                                 "and `$write`, at most ",
                                                 kMaxAclEntriesPerResource));
      }
    } else if (auto it = object.find("$permissions");
               it != object.end() && !it->is_null()) {
      json_internal::ReadAclEntries(doc_, *it,
                                    absl::StrCat("`$permissions` of ", owner),
                                    AclScope::kContainer, diags_, &entries);
    }

    // The security flag.
    std::optional<bool> security;
    if (kind == ContainerKind::kBucket) {
      security = ReadBool(object, "fileSecurity", owner);
    } else {
      std::optional<bool> document =
          ReadBool(object, "documentSecurity", owner);
      std::optional<bool> row = ReadBool(object, "rowSecurity", owner);
      if (document && row && *document != *row) {
        diags_.Error(object_offset,
                     absl::StrCat("`documentSecurity` and `rowSecurity` of ",
                                  owner, " disagree"));
      }
      security = document ? document : row;
    }
    if (legacy) {
      std::optional<bool> model = ReadLegacyModel(object, kind, owner);
      if (model && security && *model != *security) {
        diags_.Error(object_offset,
                     absl::StrCat("`permission` of ", owner,
                                  " disagrees with its security flag"));
      }
      if (model) security = model;
    }

    if (!path) return;
    ResourceAcl acl;
    acl.resource = *std::move(path);
    acl.entries = std::move(entries);
    acl.security = security;
    acl.location = diags_.Locate(object_offset);
    registry_.Append(std::move(acl), object_offset, diags_, data_);
  }

  void ImportFunctions(const Json& root) {
    const Json* items = Section(root, "functions");
    if (items == nullptr) return;
    const size_t section_offset = doc_.OffsetOr(*items, 0);
    for (const Json& item : *items) {
      if (!item.is_object()) {
        diags_.Error(doc_.OffsetOr(item, section_offset),
                     absl::StrCat("every entry of `functions` must be an "
                                  "object, not ",
                                  JsonTypeName(item)));
        continue;
      }
      ImportFunction(item);
    }
  }

  void ImportFunction(const Json& object) {
    const size_t object_offset = doc_.OffsetOr(object, 0);
    std::optional<std::string> id = ReadId(object, "$id", "function");
    const std::string owner =
        id ? absl::StrCat("function ", Quote(*id)) : std::string("function");
    std::optional<std::string> path;
    if (id) path = absl::StrCat("functions/", *id);
    if (path) {
      SourceLocation first;
      if (!registry_.Add(*path, diags_.Locate(object_offset), &first)) {
        diags_.Error(object_offset,
                     absl::StrCat("duplicate function ", Quote(*id),
                                  ": already given at line ", first.line));
        return;
      }
    }

    auto it = object.find("execute");
    if (it == object.end() || it->is_null()) return;
    const size_t list_offset = doc_.MemberOffset(object, "execute");
    if (!it->is_array()) {
      diags_.Error(list_offset, absl::StrCat("`execute` of ", owner,
                                             " must be an array of roles, not ",
                                             JsonTypeName(*it)));
      return;
    }
    if (it->size() > kMaxExecuteRoles) {
      diags_.Error(
          list_offset,
          absl::StrCat("too many roles in `execute` of ", owner, ": ",
                       it->size(), " given, at most ", kMaxExecuteRoles));
    }
    std::vector<Role> roles;
    for (const Json& item : *it) {
      if (!item.is_string()) {
        diags_.Error(
            doc_.OffsetOr(item, list_offset),
            absl::StrCat("every role in `execute` of ", owner,
                         " must be a string, not ", JsonTypeName(item)));
        continue;
      }
      doc_.MarkRead(item);
      const std::string& text = item.get_ref<const std::string&>();
      // Roles are in Appwrite's own spelling; a 0.x project's lists may
      // also use the 0.x names, mapped as for `$read`.
      absl::StatusOr<Role> role = legacy_
                                      ? MapLegacyRole(text)
                                      : ParseRole(text, RoleSyntax::kAclEntry);
      if (!role.ok()) {
        size_t at = ErrorOffset(role.status()).value_or(0);
        diags_.Error(
            doc_.StringByteOffset(item, at).value_or(list_offset),
            absl::StrCat("invalid role ", Quote(text), " in `execute` of ",
                         owner, ": ", role.status().message()));
        continue;
      }
      bool seen = false;
      for (const Role& r : roles) seen = seen || r == *role;
      if (!seen) roles.push_back(*std::move(role));
    }
    if (!path || roles.empty()) return;
    Rule rule;
    rule.resource.kind = PatternKind::kPath;
    rule.resource.text = *std::move(path);
    rule.action = "execute";
    rule.roles = std::move(roles);
    rule.location = diags_.Locate(list_offset);
    data_.rules.push_back(std::move(rule));
  }

  const JsonDocument& doc_;
  DiagnosticCollector& diags_;
  AclData& data_;
  json_internal::ResourceRegistry registry_;
  bool legacy_ = false;
};

}  // namespace

AclParseResult ImportAppwriteProject(absl::string_view json_text,
                                     absl::string_view file_name) {
  AclParseResult result;
  DiagnosticCollector diags(file_name);
  diags.SetText(json_text, 1);
  JsonDocument doc;
  json_internal::JsonParseError error;
  if (!doc.Parse(json_text, &error)) {
    diags.Error(error.offset, std::move(error.message));
    // Nothing is known about what the offending line holds.
    for (Diagnostic& d : diags.diagnostics()) d.source_line.clear();
    result.diagnostics = diags.Finish();
    return result;
  }
  ProjectImporter(doc, diags, result.data).Run();

  // Hide every source line that holds a value the importer did not read.
  json_internal::LineIndex lines(json_text);
  absl::flat_hash_set<int> unsafe_lines;
  for (size_t offset : doc.UnreadScalarOffsets()) {
    unsafe_lines.insert(lines.Position(offset).first);
  }
  for (Diagnostic& d : diags.diagnostics()) {
    if (unsafe_lines.contains(d.location.line)) d.source_line.clear();
  }
  result.diagnostics = diags.Finish();
  return result;
}

}  // namespace warden
