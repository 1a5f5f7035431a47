#include "parser/json/principal.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "parser/action.h"
#include "parser/json/json_document.h"
#include "parser/resource.h"
#include "parser/role.h"

namespace warden {
namespace {

using json_internal::Json;
using json_internal::JsonDocument;
using json_internal::JsonTypeName;
using json_internal::Quote;

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(json_internal::OneLine(message));
}

absl::Status TypeError(absl::string_view field, absl::string_view wanted,
                       const Json& value) {
  return Invalid(absl::StrCat("field `", field, "` must be ", wanted, ", not ",
                              JsonTypeName(value)));
}

// Parses `text` as one JSON value; the error never quotes the input.
absl::Status ParseDocument(absl::string_view text, JsonDocument& doc) {
  json_internal::JsonParseError error;
  if (!doc.Parse(text, &error)) {
    return Invalid(absl::StrCat(error.message, " at byte ", error.offset));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> StringArray(absl::string_view field,
                                                     const Json& value) {
  if (!value.is_array()) {
    return TypeError(field, "an array of strings", value);
  }
  std::vector<std::string> out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return TypeError(absl::StrCat(field, "[", i, "]"), "a string", value[i]);
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

// The built-in role a reserved custom role name stands for.
absl::string_view BuiltinFor(absl::string_view name) {
  if (name == "any" || name == "all") return "any";
  if (name == "guest" || name == "guests") return "guests";
  if (name == "users" || name == "member") return "users";
  if (name == "user") return "user:ID";
  if (name == "team") return "team:ID";
  if (name == "label") return "label:NAME";
  return "";
}

absl::Status CheckId(absl::string_view field, const std::string& id) {
  if (IsValidId(id)) return absl::OkStatus();
  return Invalid(absl::StrCat(
      "invalid id ", Quote(id), " in `", field,
      "`: ids are 1-36 characters of [A-Za-z0-9._-], not starting with `.`, "
      "`-` or `_`"));
}

absl::StatusOr<TeamMembership> ReadMembership(const std::string& field,
                                              const Json& value) {
  if (!value.is_object()) return TypeError(field, "an object", value);
  TeamMembership m;
  bool has_team = false;
  bool has_membership = false;
  for (const auto& [key, item] : value.items()) {
    const std::string name = absl::StrCat(field, ".", key);
    if (key == "team" || key == "membership") {
      if (!item.is_string()) return TypeError(name, "a string", item);
      std::string id = item.get<std::string>();
      absl::Status s = CheckId(name, id);
      if (!s.ok()) return s;
      (key == "team" ? m.team : m.membership) = std::move(id);
      (key == "team" ? has_team : has_membership) = true;
    } else if (key == "roles") {
      absl::StatusOr<std::vector<std::string>> roles = StringArray(name, item);
      if (!roles.ok()) return roles.status();
      for (size_t i = 0; i < roles->size(); ++i) {
        if (!IsValidTeamRole((*roles)[i])) {
          return Invalid(absl::StrCat(
              "invalid team role ", Quote((*roles)[i]), " in `", name, "[", i,
              "]`: team roles are 1-81 characters of [A-Za-z0-9._-], not "
              "starting with `.`, `-` or `_`"));
        }
      }
      m.roles = *std::move(roles);
    } else if (key == "confirmed") {
      if (!item.is_boolean()) return TypeError(name, "true or false", item);
      m.confirmed = item.get<bool>();
    } else {
      return Invalid(absl::StrCat("unknown field ", Quote(key), " in `", field,
                                  "`; expected `team`, `membership`, `roles` "
                                  "or `confirmed`"));
    }
  }
  if (!has_team) return Invalid(absl::StrCat("`", field, "` needs `team`"));
  if (!has_membership) {
    return Invalid(absl::StrCat("`", field, "` needs `membership`"));
  }
  return m;
}

absl::Status ReadUser(const Json& object, UserFacts& user) {
  const Json& id = *object.find("user");
  if (!id.is_string()) return TypeError("user", "a string", id);
  user.id = id.get<std::string>();
  if (absl::Status s = CheckId("user", user.id); !s.ok()) return s;

  if (auto it = object.find("verified"); it != object.end()) {
    if (!it->is_boolean()) return TypeError("verified", "true or false", *it);
    user.verified = it->get<bool>();
  }
  if (auto it = object.find("teams"); it != object.end()) {
    if (!it->is_array()) return TypeError("teams", "an array of objects", *it);
    for (size_t i = 0; i < it->size(); ++i) {
      absl::StatusOr<TeamMembership> m =
          ReadMembership(absl::StrCat("teams[", i, "]"), (*it)[i]);
      if (!m.ok()) return m.status();
      user.teams.push_back(*std::move(m));
    }
  }
  if (auto it = object.find("labels"); it != object.end()) {
    absl::StatusOr<std::vector<std::string>> labels =
        StringArray("labels", *it);
    if (!labels.ok()) return labels.status();
    for (size_t i = 0; i < labels->size(); ++i) {
      if (!IsValidLabel((*labels)[i])) {
        return Invalid(absl::StrCat("invalid label ", Quote((*labels)[i]),
                                    " in `labels[", i,
                                    "]`: labels are 1-36 ASCII letters or "
                                    "digits"));
      }
    }
    user.labels = *std::move(labels);
  }
  if (auto it = object.find("roles"); it != object.end()) {
    absl::StatusOr<std::vector<std::string>> roles = StringArray("roles", *it);
    if (!roles.ok()) return roles.status();
    for (size_t i = 0; i < roles->size(); ++i) {
      const std::string& name = (*roles)[i];
      if (IsReservedRoleName(name)) {
        return Invalid(absl::StrCat("custom role name ", Quote(name),
                                    " in `roles[", i,
                                    "]` is reserved; use the built-in role `",
                                    BuiltinFor(name), "` instead"));
      }
      if (!IsValidCustomRoleName(name)) {
        return Invalid(absl::StrCat(
            "invalid custom role name ", Quote(name), " in `roles[", i,
            "]`: names are 1-36 characters, a letter or digit first, then "
            "letters, digits, `-` and `_`"));
      }
    }
    user.roles = *std::move(roles);
  }
  return absl::OkStatus();
}

absl::Status ReadApiKey(const Json& value, ApiKeyFacts& key) {
  if (!value.is_object()) return TypeError("apiKey", "an object", value);
  bool has_scopes = false;
  for (const auto& [name, item] : value.items()) {
    if (name == "id") {
      if (!item.is_string()) return TypeError("apiKey.id", "a string", item);
      key.id = item.get<std::string>();
      if (!key.id.empty()) {
        if (absl::Status s = CheckId("apiKey.id", key.id); !s.ok()) return s;
      }
    } else if (name == "scopes") {
      absl::StatusOr<std::vector<std::string>> scopes =
          StringArray("apiKey.scopes", item);
      if (!scopes.ok()) return scopes.status();
      for (size_t i = 0; i < scopes->size(); ++i) {
        absl::StatusOr<std::string> scope = NormalizeScope((*scopes)[i]);
        if (!scope.ok()) {
          return Invalid(absl::StrCat("in `apiKey.scopes[", i,
                                      "]`: ", scope.status().message()));
        }
        key.scopes.push_back(*std::move(scope));
      }
      has_scopes = true;
    } else {
      return Invalid(absl::StrCat("unknown field ", Quote(name),
                                  " in `apiKey`; expected `id` or `scopes`"));
    }
  }
  if (!has_scopes) return Invalid("`apiKey` needs `scopes`");
  return absl::OkStatus();
}

constexpr absl::string_view kKindFields[] = {"guest",  "user", "roleSet",
                                             "apiKey", "key",  "jwt"};
constexpr absl::string_view kUserFields[] = {"verified", "teams", "labels",
                                             "roles"};

absl::StatusOr<PrincipalSpec> PrincipalFromJson(const Json& object) {
  if (!object.is_object()) {
    return Invalid(absl::StrCat("a principal must be a JSON object, not ",
                                JsonTypeName(object)));
  }
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (absl::string_view k : kKindFields) known = known || key == k;
    for (absl::string_view k : kUserFields) known = known || key == k;
    if (!known) {
      return Invalid(absl::StrCat(
          "unknown principal field ", Quote(key),
          "; expected one of `guest`, `user`, `roleSet`, `apiKey`, `key` or "
          "`jwt`"));
    }
  }
  std::vector<absl::string_view> kinds;
  for (absl::string_view k : kKindFields) {
    if (object.contains(k)) kinds.push_back(k);
  }
  if (kinds.empty()) {
    return Invalid(
        "a principal needs one of `guest`, `user`, `roleSet`, `apiKey`, "
        "`key` or `jwt`");
  }
  if (kinds.size() > 1) {
    return Invalid(
        absl::StrCat("a principal is of one kind, but this one gives `",
                     absl::StrJoin(kinds, "` and `"), "`"));
  }
  const absl::string_view kind = kinds.front();
  if (kind != "user") {
    for (absl::string_view k : kUserFields) {
      if (object.contains(k)) {
        return Invalid(
            absl::StrCat("field `", k, "` is allowed only with `user`"));
      }
    }
  }

  PrincipalSpec spec;
  const Json& value = *object.find(kind);
  if (kind == "guest") {
    if (!value.is_boolean() || !value.get<bool>()) {
      return Invalid(
          "field `guest` must be `true` (a principal that is not a guest is "
          "given by `user`, `roleSet`, `apiKey`, `key` or `jwt`)");
    }
    spec.kind = PrincipalKind::kGuest;
  } else if (kind == "user") {
    spec.kind = PrincipalKind::kUser;
    if (absl::Status s = ReadUser(object, spec.user); !s.ok()) return s;
  } else if (kind == "roleSet") {
    spec.kind = PrincipalKind::kRoleSet;
    absl::StatusOr<std::vector<std::string>> roles =
        StringArray("roleSet", value);
    if (!roles.ok()) return roles.status();
    for (size_t i = 0; i < roles->size(); ++i) {
      absl::StatusOr<Role> role =
          ParseRole((*roles)[i], RoleSyntax::kStandalone);
      if (!role.ok()) {
        return Invalid(absl::StrCat("invalid role ", Quote((*roles)[i]),
                                    " in `roleSet[", i,
                                    "]`: ", role.status().message()));
      }
      spec.role_set.push_back(*std::move(role));
    }
  } else if (kind == "apiKey") {
    spec.kind = PrincipalKind::kApiKey;
    if (absl::Status s = ReadApiKey(value, spec.api_key); !s.ok()) return s;
  } else {
    // `key` or `jwt`: a credential, never printed.
    spec.kind = kind == "key" ? PrincipalKind::kKey : PrincipalKind::kJwt;
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
      return Invalid(
          absl::StrCat("field `", kind, "` must be a non-empty string"));
    }
    spec.credential = value.get<std::string>();
  }
  return spec;
}

absl::StatusOr<std::vector<Attribute>> AttributesFromJson(const Json& value) {
  if (!value.is_object()) {
    return Invalid(absl::StrCat("attributes must be a JSON object, not ",
                                JsonTypeName(value)));
  }
  std::vector<Attribute> out;
  out.reserve(value.size());
  for (const auto& [name, item] : value.items()) {
    if (!IsValidAttributeName(name)) {
      return Invalid(absl::StrCat("invalid attribute name ", Quote(name),
                                  ": names are [A-Za-z_][A-Za-z0-9_]{0,63}"));
    }
    if (!item.is_string()) {
      return Invalid(absl::StrCat("attribute ", Quote(name),
                                  " must be a string, not ",
                                  JsonTypeName(item)));
    }
    out.push_back(Attribute{name, item.get<std::string>()});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> NormalizeScope(absl::string_view scope) {
  const size_t dot = scope.find('.');
  absl::string_view kinds =
      dot == absl::string_view::npos ? scope : scope.substr(0, dot);
  absl::string_view access =
      dot == absl::string_view::npos ? "" : scope.substr(dot + 1);
  const bool access_ok = access == "read" || access == "write";
  const bool kinds_ok =
      kinds == "execution" ||
      (kinds.size() >= 2 && IsLowerIdentifier(kinds) && kinds.back() == 's');
  if (!access_ok || !kinds_ok) {
    return Invalid(absl::StrCat(
        "invalid scope ", Quote(scope),
        ": expected `KINDS.read` or `KINDS.write` with KINDS a plural "
        "lower-case kind (such as `documents.read`), or `execution.read` / "
        "`execution.write`"));
  }
  return absl::StrCat(NormalizeKind(kinds), ".", access);
}

std::string RequiredScope(absl::string_view type, absl::string_view action) {
  if (type.empty()) return "";
  const absl::string_view kinds = type == "execution"
                                      ? absl::string_view("execution")
                                      : absl::string_view();
  const std::string plural =
      kinds.empty() ? absl::StrCat(type, "s") : std::string(kinds);
  if (action == "read") return absl::StrCat(plural, ".read");
  if (action == "create" || action == "update" || action == "delete") {
    return absl::StrCat(plural, ".write");
  }
  if (action == "execute" && type == "function") return "execution.write";
  return "";
}

absl::StatusOr<PrincipalSpec> ParsePrincipalJson(absl::string_view json) {
  JsonDocument doc;
  if (absl::Status s = ParseDocument(json, doc); !s.ok()) return s;
  return PrincipalFromJson(doc.root());
}

absl::StatusOr<RequestSpec> ParseRequestJson(absl::string_view json) {
  JsonDocument doc;
  if (absl::Status s = ParseDocument(json, doc); !s.ok()) return s;
  const Json& object = doc.root();
  if (!object.is_object()) {
    return Invalid(absl::StrCat("a request must be a JSON object, not ",
                                JsonTypeName(object)));
  }
  for (const auto& [key, value] : object.items()) {
    if (key != "principal" && key != "resource" && key != "action" &&
        key != "attributes") {
      return Invalid(absl::StrCat("unknown request field ", Quote(key),
                                  "; expected `principal`, `resource`, "
                                  "`action` or `attributes`"));
    }
  }
  for (absl::string_view needed : {"principal", "resource", "action"}) {
    if (!object.contains(needed)) {
      return Invalid(absl::StrCat("a request needs `", needed, "`"));
    }
  }

  RequestSpec request;
  absl::StatusOr<PrincipalSpec> principal =
      PrincipalFromJson(*object.find("principal"));
  if (!principal.ok()) {
    return Invalid(
        absl::StrCat("in `principal`: ", principal.status().message()));
  }
  request.principal = *std::move(principal);

  const Json& resource = *object.find("resource");
  if (!resource.is_string()) return TypeError("resource", "a string", resource);
  const std::string& path = resource.get_ref<const std::string&>();
  absl::StatusOr<std::string> normalised = NormalizeResourcePath(path);
  if (!normalised.ok()) {
    return Invalid(
        absl::StrCat("in `resource`: ", normalised.status().message()));
  }
  request.resource = *std::move(normalised);

  const Json& action = *object.find("action");
  if (!action.is_string()) return TypeError("action", "a string", action);
  const std::string& name = action.get_ref<const std::string&>();
  if (name == "write" || name == "*") {
    return Invalid(absl::StrCat(
        "a request names one action, so ", Quote(name),
        " is not allowed: ask for `read`, `create`, `update`, `delete` or a "
        "custom action"));
  }
  if (!IsRequestAction(name)) {
    return Invalid(absl::StrCat(
        "invalid action ", Quote(name),
        ": expected `read`, `create`, `update`, `delete` or a custom action "
        "([a-z][a-z0-9_]{0,63})"));
  }
  request.action = name;

  if (auto it = object.find("attributes");
      it != object.end() && !it->is_null()) {
    absl::StatusOr<std::vector<Attribute>> attributes = AttributesFromJson(*it);
    if (!attributes.ok()) {
      return Invalid(
          absl::StrCat("in `attributes`: ", attributes.status().message()));
    }
    request.attributes = *std::move(attributes);
  }
  return request;
}

absl::StatusOr<std::vector<Attribute>> ParseAttributesJson(
    absl::string_view json) {
  JsonDocument doc;
  if (absl::Status s = ParseDocument(json, doc); !s.ok()) return s;
  return AttributesFromJson(doc.root());
}

}  // namespace warden
