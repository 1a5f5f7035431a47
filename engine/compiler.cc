// The compiler: validates a parsed policy and ACL data (role hierarchy
// cycles, actions, patterns, paths, budgets), expands `write` (and keeps `*`
// as the wildcard action id), de-duplicates, interns every role, type and
// action (roles first, well-known roles at ids 0-4, the rest sorted), builds
// the rule indexes, the hierarchy closure and the ACL hash table, and
// serialises all of it into one FlatBuffers bundle. Every container is
// filled in a fixed order, so the same input gives the same bytes. The
// content hash is computed last, over the finished buffer with the hash
// field read as zero, and written into that field.
#include "engine/compiler.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/bundle_format.h"
#include "engine/request_path.h"
#include "engine/schema/bundle_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "parser/acl_entry.h"
#include "parser/role.h"
#include "re2/re2.h"

namespace warden {

namespace {

using bundle_internal::kAclCreate;
using bundle_internal::kAclDelete;
using bundle_internal::kAclRead;
using bundle_internal::kAclUpdate;
using bundle_internal::kAclWrite;
using bundle_internal::kWildcardAction;
using engine_internal::IsLeafTypeView;
using engine_internal::IsLowerIdent;
using engine_internal::NormalizeKindView;
using engine_internal::ParseRequestPath;
using engine_internal::PathError;
using engine_internal::RequestPath;

// A rule after validation, before interning.
struct PendingRule {
  const Rule* rule = nullptr;
  fb::PatternKind kind = fb::PatternKind::Any;
  std::string pattern;               // normalised
  std::vector<std::string> actions;  // expanded; empty with `wildcard`
  bool wildcard = false;
  std::vector<std::string> roles;       // canonical, sorted, unique
  std::vector<std::string> attributes;  // in order, unique
  int regex_index = -1;
};

struct PendingEntry {
  std::string role;
  uint8_t action = 0;
  uint8_t written = 0;
  uint8_t position = 0;
};

struct PendingResource {
  std::string path;  // normalised
  std::vector<PendingEntry> entries;
  bool security = false;
  size_t written_entries = 0;
};

class Compiler {
 public:
  Compiler(const Policy& policy, const AclData& acl,
           const CompileOptions& options)
      : policy_(policy), acl_(acl), options_(options) {}

  CompileResult Run() {
    CheckHierarchy();
    CheckRules();
    CheckAcl();
    if (HasErrors(result_.diagnostics)) return std::move(result_);
    Intern();
    if (HasErrors(result_.diagnostics)) return std::move(result_);
    Build();
    return std::move(result_);
  }

 private:
  void Error(const SourceLocation& location, std::string message) {
    Diagnostic d;
    d.severity = Severity::kError;
    d.location = location;
    d.message = std::move(message);
    result_.diagnostics.push_back(std::move(d));
  }

  // --- Role hierarchy -----------------------------------------------------

  // True if `to` is reachable from `from` following parent edges; fills
  // `path` with the nodes from `from` to `to`.
  bool Reachable(const std::string& from, const std::string& to,
                 std::vector<std::string>* path) {
    absl::flat_hash_map<std::string, std::string> prev;
    std::vector<std::string> stack = {from};
    prev[from] = "";
    while (!stack.empty()) {
      std::string node = stack.back();
      stack.pop_back();
      if (node == to) {
        std::vector<std::string> rev;
        for (std::string at = to;; at = prev[at]) {
          rev.push_back(at);
          if (at == from) break;
        }
        path->assign(rev.rbegin(), rev.rend());
        return true;
      }
      auto it = parents_.find(node);
      if (it == parents_.end()) continue;
      for (const std::string& p : it->second) {
        if (prev.emplace(p, node).second) stack.push_back(p);
      }
    }
    return false;
  }

  void CheckHierarchy() {
    for (const RoleDeclaration& decl : policy_.roles) {
      if (!IsValidCustomRoleName(decl.name)) {
        Error(decl.location,
              absl::StrCat("invalid custom role name `", decl.name, "`"));
        continue;
      }
      if (!parents_.contains(decl.name)) {
        declared_.push_back(decl.name);
        parents_[decl.name];
      }
      for (const std::string& parent : decl.parents) {
        if (!IsValidCustomRoleName(parent)) {
          Error(decl.location,
                absl::StrCat("invalid custom role name `", parent, "`"));
          continue;
        }
        std::vector<std::string>& list = parents_[decl.name];
        if (std::find(list.begin(), list.end(), parent) != list.end()) {
          continue;
        }
        std::vector<std::string> path;
        if (parent == decl.name || Reachable(parent, decl.name, &path)) {
          std::vector<std::string> cycle = {decl.name};
          if (parent == decl.name) {
            cycle.push_back(decl.name);
          } else {
            cycle.insert(cycle.end(), path.begin(), path.end());
          }
          Error(decl.location, absl::StrCat("role hierarchy has a cycle: `",
                                            absl::StrJoin(cycle, " -> "), "`"));
          continue;
        }
        parents_[decl.name].push_back(parent);
        if (!parents_.contains(parent)) {
          // Named only as a parent: a role with no parents of its own.
          declared_.push_back(parent);
          parents_[parent];
        }
      }
    }
  }

  // --- Rules --------------------------------------------------------------

  void CheckRules() {
    std::vector<const Rule*> all;
    for (const Rule& r : policy_.rules) all.push_back(&r);
    for (const Rule& r : acl_.rules) all.push_back(&r);
    size_t expanded = 0;
    int regex_count = 0;
    for (const Rule* rule : all) {
      PendingRule p;
      p.rule = rule;
      const std::string& action = rule->action;
      if (action == "*") {
        p.wildcard = true;
      } else if (action == "write") {
        p.actions = {"create", "delete", "update"};
      } else if (IsLowerIdent(action)) {
        p.actions = {action};
      } else {
        Error(rule->location, absl::StrCat("invalid action `", action, "`"));
      }
      expanded += p.wildcard ? 1 : p.actions.size();
      if (rule->roles.empty()) {
        Error(rule->location,
              absl::StrCat("rule `", rule->ToString(),
                           "` has no roles; name the roles it grants to, "
                           "e.g. `document:read(any)`"));
      }
      std::set<std::string> roles;
      for (const Role& role : rule->roles) {
        if (role.attribute) {
          if (!IsValidAttributeName(role.id)) {
            Error(rule->location,
                  absl::StrCat("invalid attribute name `", role.id, "`"));
            continue;
          }
          if (std::find(p.attributes.begin(), p.attributes.end(), role.id) ==
              p.attributes.end()) {
            p.attributes.push_back(role.id);
          }
        } else {
          roles.insert(role.ToString());
        }
      }
      p.roles.assign(roles.begin(), roles.end());
      const std::string& text = rule->resource.text;
      switch (rule->resource.kind) {
        case PatternKind::kAny:
          p.kind = fb::PatternKind::Any;
          break;
        case PatternKind::kType: {
          p.kind = fb::PatternKind::Type;
          std::string type = text;
          if (type == "table") type = "collection";
          if (type == "row") type = "document";
          if (!IsLowerIdent(type)) {
            Error(rule->location,
                  absl::StrCat("invalid resource type `", text, "`"));
          }
          p.pattern = std::move(type);
          break;
        }
        case PatternKind::kPath: {
          p.kind = fb::PatternKind::Path;
          if (!engine_internal::IsValidPathPattern(text)) {
            Error(rule->location,
                  absl::StrCat("invalid path pattern `", text, "`"));
            break;
          }
          p.pattern = NormalisePattern(text);
          break;
        }
        case PatternKind::kRegex: {
          p.kind = fb::PatternKind::Regex;
          RE2::Options opts;
          opts.set_log_errors(false);
          opts.set_max_mem(int64_t{1} << 20);
          RE2 re(re2::StringPiece(text.data(), text.size()), opts);
          if (!re.ok()) {
            Error(rule->location, absl::StrCat("invalid regular expression `",
                                               text, "`: ", re.error()));
          }
          p.pattern = text;
          p.regex_index = regex_count++;
          break;
        }
      }
      rules_.push_back(std::move(p));
    }
    if (expanded > options_.max_rules) {
      Error(SourceLocation{},
            absl::StrCat("too many rules: ", expanded,
                         " after expansion, the limit (max_rules) is ",
                         options_.max_rules));
    }
  }

  static std::string NormalisePattern(const std::string& pattern) {
    std::string out;
    size_t start = 0;
    bool kind = true;
    while (true) {
      size_t end = pattern.find('/', start);
      if (end == std::string::npos) end = pattern.size();
      absl::string_view seg(pattern.data() + start, end - start);
      if (kind) seg = NormalizeKindView(seg);
      if (!out.empty() || start > 0) out.push_back('/');
      out.append(seg.data(), seg.size());
      if (end >= pattern.size()) break;
      start = end + 1;
      kind = !kind;
    }
    return out;
  }

  // --- ACL data -----------------------------------------------------------

  static std::string Normalised(const RequestPath& p) {
    std::string out(p.normalised_size, '\0');
    engine_internal::WriteNormalised(p.raw, out.data(), out.size());
    return out;
  }

  void CheckAcl() {
    absl::flat_hash_map<std::string, size_t> index;
    for (const ResourceAcl& acl : acl_.resources) {
      RequestPath p;
      size_t offset = 0;
      PathError err = ParseRequestPath(acl.resource, &p, &offset);
      if (err != PathError::kOk) {
        Error(acl.location,
              absl::StrCat("invalid resource path `", acl.resource,
                           "`: ", engine_internal::PathErrorText(err)));
        continue;
      }
      PendingResource res;
      res.path = Normalised(p);
      if (!index.emplace(res.path, resources_.size()).second) {
        Error(acl.location, absl::StrCat("resource `", res.path,
                                         "` is listed more than once"));
        continue;
      }
      if (acl.entries.size() > static_cast<size_t>(kMaxAclEntriesPerResource)) {
        Error(acl.location,
              absl::StrCat("resource `", res.path, "` has ", acl.entries.size(),
                           " permissions; at most ", kMaxAclEntriesPerResource,
                           " are allowed"));
        continue;
      }
      if (acl.security.value_or(false)) {
        if (p.type != "collection" && p.type != "bucket") {
          Error(acl.location,
                absl::StrCat("a security flag belongs to a collection or a "
                             "bucket, not to `",
                             res.path, "`"));
        }
        res.security = true;
      }
      res.written_entries = acl.entries.size();
      for (size_t i = 0; i < acl.entries.size(); ++i) {
        const AclEntry& e = acl.entries[i];
        if (e.role.attribute || e.role.kind == RoleKind::kCustom) {
          Error(acl.location,
                absl::StrCat("ACL entry `", e.ToString(), "` on `", res.path,
                             "` names a role not allowed in ACL entries"));
          continue;
        }
        const std::string role = e.role.ToString();
        auto add = [&](uint8_t action, uint8_t written) {
          for (const PendingEntry& have : res.entries) {
            if (have.role == role && have.action == action) return;
          }
          res.entries.push_back(
              {role, action, written, static_cast<uint8_t>(i)});
        };
        switch (e.action) {
          case AclAction::kRead:
            add(kAclRead, kAclRead);
            break;
          case AclAction::kCreate:
            if (p.leaf) {
              Error(acl.location,
                    absl::StrCat("Permission \"", e.ToString(),
                                 "\" is not allowed. Must be one of: read, "
                                 "update, delete, write."));
              break;
            }
            add(kAclCreate, kAclCreate);
            break;
          case AclAction::kUpdate:
            add(kAclUpdate, kAclUpdate);
            break;
          case AclAction::kDelete:
            add(kAclDelete, kAclDelete);
            break;
          case AclAction::kWrite:
            if (!p.leaf) add(kAclCreate, kAclWrite);
            add(kAclUpdate, kAclWrite);
            add(kAclDelete, kAclWrite);
            break;
        }
      }
      std::stable_sort(res.entries.begin(), res.entries.end(),
                       [](const PendingEntry& a, const PendingEntry& b) {
                         if (a.action != b.action) return a.action < b.action;
                         return a.position < b.position;
                       });
      resources_.push_back(std::move(res));
    }
    for (const SecurityFlag& flag : policy_.flags) {
      RequestPath p;
      size_t offset = 0;
      PathError err = ParseRequestPath(flag.container, &p, &offset);
      if (err != PathError::kOk) {
        Error(flag.location,
              absl::StrCat("invalid container path `", flag.container,
                           "`: ", engine_internal::PathErrorText(err)));
        continue;
      }
      const bool want_bucket = flag.kind == SecurityFlagKind::kFileSecurity;
      if (p.type != (want_bucket ? "bucket" : "collection")) {
        Error(flag.location,
              absl::StrCat(want_bucket ? "fileSecurity" : "documentSecurity",
                           " belongs to ",
                           want_bucket ? "a bucket" : "a collection",
                           ", not to `", flag.container, "`"));
        continue;
      }
      std::string path = Normalised(p);
      auto it = index.find(path);
      if (it != index.end()) {
        resources_[it->second].security = true;
      } else {
        index.emplace(path, resources_.size());
        PendingResource res;
        res.path = std::move(path);
        res.security = true;
        resources_.push_back(std::move(res));
      }
    }
    if (resources_.size() > options_.max_resources) {
      Error(SourceLocation{},
            absl::StrCat("too many resources with an ACL: ", resources_.size(),
                         ", the limit (max_resources) is ",
                         options_.max_resources));
    }
  }

  // --- Interning ----------------------------------------------------------

  void Intern() {
    std::set<std::string> roles;
    for (const PendingRule& r : rules_)
      roles.insert(r.roles.begin(), r.roles.end());
    for (const PendingResource& res : resources_) {
      for (const PendingEntry& e : res.entries) roles.insert(e.role);
    }
    for (const std::string& name : declared_) {
      roles.insert(absl::StrCat("role:", name));
    }
    for (absl::string_view wk : bundle_internal::kWellKnownRoles) {
      roles.erase(std::string(wk));
    }
    for (absl::string_view wk : bundle_internal::kWellKnownRoles) {
      AddString(std::string(wk));
    }
    for (const std::string& r : roles) AddString(r);
    role_count_ = static_cast<uint32_t>(strings_.size());
    std::set<std::string> others;
    for (const PendingRule& r : rules_) {
      if (r.kind == fb::PatternKind::Type) others.insert(r.pattern);
      others.insert(r.actions.begin(), r.actions.end());
    }
    for (const std::string& s : others) {
      if (!ids_.contains(s)) AddString(s);
    }
    if (strings_.size() > options_.max_strings) {
      Error(
          SourceLocation{},
          absl::StrCat("too many distinct strings: ", strings_.size(),
                       ", the limit (max_strings) is ", options_.max_strings));
    }
  }

  void AddString(const std::string& s) {
    if (ids_.contains(s)) return;
    ids_[s] = static_cast<uint32_t>(strings_.size());
    strings_.push_back(s);
  }

  uint32_t Id(const std::string& s) const { return ids_.at(s); }

  // --- Building -----------------------------------------------------------

  template <typename T>
  static std::vector<uint32_t> BuildSlots(const std::vector<T>& hashes) {
    const size_t n = bundle_internal::SlotCountFor(hashes.size());
    std::vector<uint32_t> slots(n, 0);
    for (size_t i = 0; i < hashes.size(); ++i) {
      size_t at = hashes[i] & (n - 1);
      while (slots[at] != 0) at = (at + 1) & (n - 1);
      slots[at] = static_cast<uint32_t>(i + 1);
    }
    return slots;
  }

  void Build() {
    flatbuffers::FlatBufferBuilder fbb(1 << 16);
    fbb.ForceDefaults(true);

    // Strings.
    std::vector<uint8_t> string_bytes;
    std::vector<uint32_t> string_offsets = {0};
    std::vector<uint64_t> string_hashes;
    for (const std::string& s : strings_) {
      string_bytes.insert(string_bytes.end(), s.begin(), s.end());
      string_offsets.push_back(static_cast<uint32_t>(string_bytes.size()));
      string_hashes.push_back(bundle_internal::PathHash(s));
    }
    std::vector<uint32_t> string_slots = BuildSlots(string_hashes);
    auto v_string_bytes = fbb.CreateVector(string_bytes);
    auto v_string_offsets = fbb.CreateVector(string_offsets);
    auto v_string_hashes = fbb.CreateVector(string_hashes);
    auto v_string_slots = fbb.CreateVector(string_slots);

    // Rules and indexes.
    std::vector<flatbuffers::Offset<fb::Rule>> rule_offsets;
    std::vector<fb::RuleRef> refs[2][4];  // [deny][kind]
    for (size_t i = 0; i < rules_.size(); ++i) {
      const PendingRule& p = rules_[i];
      std::vector<uint32_t> actions;
      if (p.wildcard) {
        actions.push_back(kWildcardAction);
      } else {
        for (const std::string& a : p.actions) actions.push_back(Id(a));
        std::sort(actions.begin(), actions.end());
        actions.erase(std::unique(actions.begin(), actions.end()),
                      actions.end());
      }
      std::vector<uint32_t> roles;
      for (const std::string& r : p.roles) roles.push_back(Id(r));
      std::sort(roles.begin(), roles.end());
      std::vector<flatbuffers::Offset<flatbuffers::String>> attrs;
      for (const std::string& a : p.attributes)
        attrs.push_back(fbb.CreateString(a));
      const uint32_t type_id =
          p.kind == fb::PatternKind::Type ? Id(p.pattern) : 0;
      uint32_t key = type_id;
      if (p.kind == fb::PatternKind::Path) {
        key = bundle_internal::PathPatternKey(p.pattern);
      }
      auto text = fbb.CreateString(p.rule->ToString());
      auto file = fbb.CreateString(p.rule->location.file);
      auto pattern = fbb.CreateString(p.pattern);
      auto v_actions = fbb.CreateVector(actions);
      auto v_roles = fbb.CreateVector(roles);
      auto v_attrs = fbb.CreateVector(attrs);
      fb::RuleBuilder rb(fbb);
      rb.add_text(text);
      rb.add_file(file);
      rb.add_line(p.rule->location.line);
      rb.add_deny(p.rule->deny);
      rb.add_pattern_kind(p.kind);
      rb.add_pattern(pattern);
      rb.add_type_id(type_id);
      rb.add_actions(v_actions);
      rb.add_roles(v_roles);
      rb.add_attributes(v_attrs);
      rb.add_regex_index(p.regex_index);
      rule_offsets.push_back(rb.Finish());
      for (uint32_t a : actions) {
        refs[p.rule->deny ? 1 : 0]
            [bundle_internal::ListOfPatternKind(static_cast<int>(p.kind))]
                .emplace_back(key, a, static_cast<uint32_t>(i));
      }
    }
    auto v_rules = fbb.CreateVector(rule_offsets);
    flatbuffers::Offset<fb::RuleIndex> indexes[2];
    for (int d = 0; d < 2; ++d) {
      flatbuffers::Offset<flatbuffers::Vector<const fb::RuleRef*>> v[4];
      for (int k = 0; k < 4; ++k) {
        std::sort(refs[d][k].begin(), refs[d][k].end(),
                  [](const fb::RuleRef& a, const fb::RuleRef& b) {
                    if (a.key() != b.key()) return a.key() < b.key();
                    if (a.action() != b.action())
                      return a.action() < b.action();
                    return a.rule() < b.rule();
                  });
        v[k] = fbb.CreateVectorOfStructs(refs[d][k]);
      }
      indexes[d] = fb::CreateRuleIndex(fbb, v[0], v[1], v[2], v[3]);
    }

    // Hierarchy closure.
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> closure;
    for (const std::string& name : declared_) {
      std::set<uint32_t> anc;
      std::vector<std::string> stack = parents_.at(name);
      absl::flat_hash_set<std::string> seen;
      while (!stack.empty()) {
        std::string at = stack.back();
        stack.pop_back();
        if (!seen.insert(at).second) continue;
        anc.insert(Id(absl::StrCat("role:", at)));
        auto it = parents_.find(at);
        if (it != parents_.end()) {
          stack.insert(stack.end(), it->second.begin(), it->second.end());
        }
      }
      closure.emplace_back(Id(absl::StrCat("role:", name)),
                           std::vector<uint32_t>(anc.begin(), anc.end()));
    }
    std::sort(closure.begin(), closure.end());
    std::vector<uint32_t> h_roles, h_offsets = {0}, h_anc;
    for (const auto& [role, anc] : closure) {
      h_roles.push_back(role);
      h_anc.insert(h_anc.end(), anc.begin(), anc.end());
      h_offsets.push_back(static_cast<uint32_t>(h_anc.size()));
    }
    auto v_h_roles = fbb.CreateVector(h_roles);
    auto v_h_offsets = fbb.CreateVector(h_offsets);
    auto v_h_anc = fbb.CreateVector(h_anc);

    // ACL table.
    std::vector<uint8_t> path_bytes;
    std::vector<uint32_t> path_offsets = {0};
    std::vector<uint64_t> path_hashes;
    std::vector<uint32_t> entry_offsets = {0};
    std::vector<fb::AclEntry> entries;
    std::vector<uint8_t> security;
    uint64_t written = 0;
    for (const PendingResource& res : resources_) {
      path_bytes.insert(path_bytes.end(), res.path.begin(), res.path.end());
      path_offsets.push_back(static_cast<uint32_t>(path_bytes.size()));
      path_hashes.push_back(bundle_internal::PathHash(res.path));
      for (const PendingEntry& e : res.entries) {
        entries.emplace_back(Id(e.role), e.action, e.written, e.position, 0);
      }
      entry_offsets.push_back(static_cast<uint32_t>(entries.size()));
      security.push_back(res.security ? 1 : 0);
      written += res.written_entries;
    }
    std::vector<uint32_t> acl_slots = BuildSlots(path_hashes);
    // Check's copy: records and the tagged lookup table.
    std::vector<uint32_t> records;
    std::vector<uint32_t> record_offsets;
    for (size_t i = 0; i < resources_.size(); ++i) {
      const PendingResource& res = resources_[i];
      record_offsets.push_back(static_cast<uint32_t>(records.size()));
      records.push_back(static_cast<uint32_t>(i));
      records.push_back(static_cast<uint32_t>(res.path.size()));
      const uint32_t b = entry_offsets[i];
      const uint32_t e = entry_offsets[i + 1];
      records.push_back(
          (e - b) | (res.security ? bundle_internal::kRecordSecurityBit : 0));
      for (uint32_t j = b; j < e; ++j) {
        const fb::AclEntry& entry = entries[j];
        records.push_back(entry.role());
        records.push_back(uint32_t{entry.action()} |
                          uint32_t{entry.written()} << 8 |
                          uint32_t{entry.position()} << 16);
      }
      const size_t words = (res.path.size() + 3) / 4;
      const size_t at = records.size();
      records.resize(at + words, 0);
      std::memcpy(records.data() + at, res.path.data(), res.path.size());
    }
    std::vector<uint64_t> lookup(
        bundle_internal::SlotCountFor(path_hashes.size()), 0);
    for (size_t i = 0; i < path_hashes.size(); ++i) {
      const size_t mask = lookup.size() - 1;
      size_t at = path_hashes[i] & mask;
      while (lookup[at] != 0) at = (at + 1) & mask;
      lookup[at] = (path_hashes[i] >> 32 << 32) | (record_offsets[i] + 1u);
    }
    auto v_acl_lookup = fbb.CreateVector(lookup);
    auto v_acl_records = fbb.CreateVector(records);
    auto v_path_bytes = fbb.CreateVector(path_bytes);
    auto v_path_offsets = fbb.CreateVector(path_offsets);
    auto v_path_hashes = fbb.CreateVector(path_hashes);
    auto v_acl_slots = fbb.CreateVector(acl_slots);
    auto v_entry_offsets = fbb.CreateVector(entry_offsets);
    auto v_entries = fbb.CreateVectorOfStructs(entries);
    auto v_security = fbb.CreateVector(security);

    fb::BundleBuilder bb(fbb);
    bb.add_format_version(bundle_internal::kFormatVersion);
    bb.add_content_hash(0);
    bb.add_string_bytes(v_string_bytes);
    bb.add_string_offsets(v_string_offsets);
    bb.add_string_hashes(v_string_hashes);
    bb.add_string_slots(v_string_slots);
    bb.add_role_count(role_count_);
    bb.add_rules(v_rules);
    bb.add_allow(indexes[0]);
    bb.add_deny(indexes[1]);
    bb.add_hierarchy_roles(v_h_roles);
    bb.add_hierarchy_offsets(v_h_offsets);
    bb.add_hierarchy_ancestors(v_h_anc);
    bb.add_acl_path_bytes(v_path_bytes);
    bb.add_acl_path_offsets(v_path_offsets);
    bb.add_acl_path_hashes(v_path_hashes);
    bb.add_acl_slots(v_acl_slots);
    bb.add_acl_entry_offsets(v_entry_offsets);
    bb.add_acl_entries(v_entries);
    bb.add_acl_security(v_security);
    bb.add_acl_written_entries(written);
    bb.add_acl_lookup(v_acl_lookup);
    bb.add_acl_records(v_acl_records);
    fbb.Finish(bb.Finish(), bundle_internal::kFileIdentifier);

    std::string bundle(reinterpret_cast<const char*>(fbb.GetBufferPointer()),
                       fbb.GetSize());
    uint8_t* data = reinterpret_cast<uint8_t*>(bundle.data());
    const auto* table = flatbuffers::GetRoot<flatbuffers::Table>(data);
    const uint8_t* field = table->GetAddressOf(fb::Bundle::VT_CONTENT_HASH);
    const size_t offset = static_cast<size_t>(field - data);
    const uint64_t hash =
        bundle_internal::ContentHash(data, bundle.size(), offset);
    flatbuffers::WriteScalar(data + offset, hash);
    result_.bundle = std::move(bundle);
  }

  const Policy& policy_;
  const AclData& acl_;
  const CompileOptions& options_;
  CompileResult result_;

  // Declared custom roles (names without `role:`), in declaration order, and
  // their direct parents.
  std::vector<std::string> declared_;
  absl::flat_hash_map<std::string, std::vector<std::string>> parents_;

  std::vector<PendingRule> rules_;
  std::vector<PendingResource> resources_;

  std::vector<std::string> strings_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  uint32_t role_count_ = 0;
};

}  // namespace

CompileResult CompileBundle(const Policy& policy, const AclData& acl,
                            const CompileOptions& options) {
  return Compiler(policy, acl, options).Run();
}

}  // namespace warden
