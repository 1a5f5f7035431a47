// The loader and the evaluator.
//
// Load: size limit, file identifier, flatbuffers::Verifier (explicit
// options), format version, content hash, then every index is checked for
// consistency (ids in range, spans within bounds, hash tables that find
// every item, sorted lists), so that evaluation never needs a bounds check
// on bundle data. Regex rules are compiled once here. Small evaluation
// aids are derived from the verified bundle (sized by the rule count, not by
// the ACL data): a hash table from (key, action) to each run of the rule
// indexes, one cache line per rule (role signature, first role ids,
// pre-digested path pattern), the rule types by name, and the possible
// match range of each regex.
//
// Check (LANGUAGE.md §7), allocation-free: the request path is validated,
// normalised and hashed in one pass (engine/request_path.h), and the ACL
// lookup slots it may need are prefetched; the type is found in the table
// of rule types and a standard action by its fixed id; deny rules, then
// allow rules, are found through the rule indexes (by type id, any, path
// patterns by literal-prefix key, regexes behind one RE2::Set pre-filter and
// their match ranges), the lowest rule index winning, a rule's roles tested
// against the principal's 128-bit role signature before its exact role ids;
// then the ACL records (engine/schema/bundle.fbs) of the parent and/or the
// resource itself are read, one slot and one record each.
#include "engine/compiled_policy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/bundle_format.h"
#include "engine/request_path.h"
#include "engine/schema/bundle_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "parser/json/principal.h"
#include "parser/resource.h"
#include "re2/re2.h"
#include "re2/set.h"

namespace warden {

namespace {

using bundle_internal::kAclCreate;
using bundle_internal::kAclDelete;
using bundle_internal::kAclRead;
using bundle_internal::kAclUpdate;
using bundle_internal::kWildcardAction;
using engine_internal::IsLowerIdent;
using engine_internal::ParseRequestPath;
using engine_internal::PathError;
using engine_internal::RequestPath;

constexpr uint32_t kNoId = 0xFFFFFFFEu;
constexpr uint32_t kNone = 0xFFFFFFFFu;
// Normalised paths longer than this are not matched against regex rules
// (the check is denied with kEvaluationError instead): the normalised copy
// lives on the stack.
constexpr size_t kMaxRegexPathBytes = 8192;

using U32Vec = flatbuffers::Vector<uint32_t>;
using U64Vec = flatbuffers::Vector<uint64_t>;
using U8Vec = flatbuffers::Vector<uint8_t>;
using RefVec = flatbuffers::Vector<const fb::RuleRef*>;

inline re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

inline absl::string_view View(const flatbuffers::String* s) {
  return s == nullptr ? absl::string_view()
                      : absl::string_view(s->data(), s->size());
}

bool IsRequestActionView(absl::string_view action) {
  return IsLowerIdent(action) && action != "write";
}

// ACL action code of a request action, or -1 for custom actions.
int AclActionOf(absl::string_view action) {
  if (action == "read") return kAclRead;
  if (action == "create") return kAclCreate;
  if (action == "update") return kAclUpdate;
  if (action == "delete") return kAclDelete;
  return -1;
}

absl::string_view AclWrittenName(uint8_t written) {
  switch (written) {
    case 0:
      return "read";
    case 1:
      return "create";
    case 2:
      return "update";
    case 3:
      return "delete";
    case 4:
      return "write";
  }
  return "?";
}

bool ContainsSorted(absl::Span<const uint32_t> ids, uint32_t id) {
  return std::binary_search(ids.begin(), ids.end(), id);
}

bool IsPowerOfTwo(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Per-check state, on the stack.
struct CheckContext {
  const RequestPath* path = nullptr;
  uint32_t action_id = kNoId;
  uint32_t type_id = kNoId;
  const RoleSet* principal = nullptr;
  absl::Span<const AttributeView> attributes;
  // Regex state: 0 not computed, 1 some regex may match, 2 none matches.
  int regex_state = 0;
  bool error = false;
  char* buf = nullptr;  // kMaxRegexPathBytes bytes
  absl::string_view normalised;
  // The principal's role signature (see RoleSignatureBit).
  uint64_t held_sig[2] = {};
  // by_path probe keys of the path's prefixes (0 to all segments), computed
  // once per check for paths of at most kMaxKeyedSegments segments (left
  // uninitialised until then).
  bool keys_ready = false;
  uint32_t prefix_keys[64];
};

// Paths with more segments than this probe the by_path lists with a running
// hasher instead of the per-check key array.
constexpr uint32_t kMaxKeyedSegments = 62;

// The bit of a role id in a 128-bit role signature.
inline uint32_t RoleSignatureBit(uint32_t role) {
  return (role * 0x9E3779B1u) >> 25;
}

inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// How a path pattern matches, derived at load: kShapeGeneral goes through
// GlobMatch; the other shapes are a literal prefix of `prefix_bytes` bytes
// followed by `*` segments (kShapeExact: exactly `segments` segments in
// all) and possibly a final `**` (kShapeAtLeast: `segments` or more).
constexpr uint8_t kShapeGeneral = 0;
constexpr uint8_t kShapeExact = 1;
constexpr uint8_t kShapeAtLeast = 2;

// Per-rule data for evaluation, derived from the bundle at load (one cache
// line per rule): the rule's role signature, its sorted role ids (pointing
// into the bundle), and its resource pattern pre-digested.
struct alignas(64) RuleInfo {
  static constexpr uint32_t kInlineRoles = 4;
  uint64_t sig[2] = {};
  // The first kInlineRoles role ids, then the rest through `roles`.
  uint32_t inline_roles[kInlineRoles] = {};
  const uint32_t* roles = nullptr;
  const char* pattern = nullptr;
  uint32_t role_count = 0;
  uint32_t prefix_bytes = 0;
  // Path rules: the segment count of the shape; type rules: the type id;
  // regex rules: the regex index.
  uint32_t segments = 0;
  uint8_t has_attributes = 0;
  uint8_t shape = kShapeGeneral;
  fb::PatternKind kind = fb::PatternKind::Any;
};
static_assert(sizeof(RuleInfo) == 64);

// The type ids that rules name (by_type keys), by type name: a small
// open-addressing table built at load, so that Check resolves the request's
// type without touching the (possibly large) interned string table.
class TypeTable {
 public:
  void Add(uint64_t hash, uint32_t id, absl::string_view name) {
    entries_.push_back(
        Slot{hash, id, static_cast<uint32_t>(name.size()), name.data()});
  }
  void Finish() {
    std::vector<Slot> entries = std::move(entries_);
    size_t size = 4;
    while (size < 2 * entries.size()) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (const Slot& e : entries) {
      size_t at = e.hash & mask_;
      while (slots_[at].name != nullptr) at = (at + 1) & mask_;
      slots_[at] = e;
    }
  }
  uint32_t Find(absl::string_view name, uint32_t missing) const {
    const uint64_t h = bundle_internal::PathHash(name);
    size_t at = h & mask_;
    while (true) {
      const Slot& s = slots_[at];
      if (s.name == nullptr) return missing;
      if (s.hash == h && s.size == name.size() &&
          std::memcmp(s.name, name.data(), name.size()) == 0) {
        return s.id;
      }
      at = (at + 1) & mask_;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;
    uint32_t size = 0;
    const char* name = nullptr;  // nullptr: empty
  };
  std::vector<Slot> entries_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// The refs of one (key, action) run of a sorted rule index list: an open
// addressing table from (key, action) to the run's [lo, hi), built at load.
class GroupTable {
 public:
  void Build(const RefVec* list) {
    const auto* refs = reinterpret_cast<const fb::RuleRef*>(list->Data());
    const uint32_t n = list->size();
    size_t runs = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (i == 0 || refs[i].key() != refs[i - 1].key() ||
          refs[i].action() != refs[i - 1].action()) {
        ++runs;
      }
    }
    size_t size = 2;
    while (size < 2 * runs) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    uint32_t lo = 0;
    for (uint32_t i = 1; i <= n; ++i) {
      if (i == n || refs[i].key() != refs[lo].key() ||
          refs[i].action() != refs[lo].action()) {
        const uint64_t tag = Tag(refs[lo].key(), refs[lo].action());
        size_t at = Mix64(tag) & mask_;
        while (slots_[at].hi != 0) at = (at + 1) & mask_;
        slots_[at] = Slot{tag, lo, i};
        lo = i;
      }
    }
  }
  // The run of (key, action); lo == hi when there is none.
  void Find(uint32_t key, uint32_t action, uint32_t* lo, uint32_t* hi) const {
    const uint64_t tag = Tag(key, action);
    size_t at = Mix64(tag) & mask_;
    while (true) {
      const Slot& s = slots_[at];
      if (s.hi == 0) break;
      if (s.tag == tag) {
        *lo = s.lo;
        *hi = s.hi;
        return;
      }
      at = (at + 1) & mask_;
    }
    *lo = 0;
    *hi = 0;
  }

 private:
  struct Slot {
    uint64_t tag = 0;
    uint32_t lo = 0;
    uint32_t hi = 0;  // 0: empty (a run is never empty)
  };
  static uint64_t Tag(uint32_t key, uint32_t action) {
    return (uint64_t{key} << 32) | action;
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace

struct CompiledPolicy::Impl {
  std::string bytes;
  const fb::Bundle* root = nullptr;

  // Cached pointers into `bytes` (verified non-null at load).
  const U8Vec* string_bytes = nullptr;
  const U32Vec* string_offsets = nullptr;
  const U64Vec* string_hashes = nullptr;
  const U32Vec* string_slots = nullptr;
  uint32_t string_count = 0;
  uint32_t role_count = 0;
  const flatbuffers::Vector<flatbuffers::Offset<fb::Rule>>* rules = nullptr;
  const RefVec* lists[2][4] = {};  // [deny][list]
  // Derived at load, to skip probes that cannot find anything: whether a
  // list holds `*`-action refs, and which literal-prefix lengths (in
  // segments; bit 63 for 63 or more) the by_path lists hold.
  bool has_wildcard[2][4] = {};
  uint64_t path_prefix_lengths[2] = {};
  const U32Vec* hierarchy_roles = nullptr;
  const U32Vec* hierarchy_offsets = nullptr;
  const U32Vec* hierarchy_ancestors = nullptr;
  const U8Vec* acl_path_bytes = nullptr;
  const U32Vec* acl_path_offsets = nullptr;
  const U64Vec* acl_path_hashes = nullptr;
  const U32Vec* acl_slots = nullptr;
  const U32Vec* acl_entry_offsets = nullptr;
  const flatbuffers::Vector<const fb::AclEntry*>* acl_entries = nullptr;
  const U8Vec* acl_security = nullptr;
  const U64Vec* acl_lookup = nullptr;
  const U32Vec* acl_records = nullptr;
  uint32_t resource_count = 0;

  // Regex rules, compiled once: one RE2 per rule (for attribution) and one
  // anchored RE2::Set over all of them (a pre-filter that also reports
  // out-of-memory).
  std::vector<std::unique_ptr<RE2>> regexes;
  std::unique_ptr<RE2::Set> regex_set;
  // Per regex rule: the range [min, max] of strings it can fully match
  // (RE2::PossibleMatchRange), used to skip FullMatch calls; has_range false
  // when RE2 could not compute one.
  struct RegexRange {
    bool has_range = false;
    std::string min;
    std::string max;
  };
  std::vector<RegexRange> regex_ranges;

  // Derived at load (see RuleInfo and GroupTable).
  std::vector<RuleInfo> rule_info;
  GroupTable groups[2][4];  // [deny][list]
  TypeTable types;          // the keys of the by_type lists
  // Ids of the standard actions (read, create, update, delete; kNoId when
  // the bundle does not intern them).
  uint32_t standard_action_ids[4] = {kNoId, kNoId, kNoId, kNoId};

  absl::string_view String(uint32_t id) const {
    const uint32_t b = string_offsets->Get(id);
    const uint32_t e = string_offsets->Get(id + 1);
    return absl::string_view(
        reinterpret_cast<const char*>(string_bytes->data()) + b, e - b);
  }

  uint32_t LookupString(absl::string_view s) const {
    const uint32_t n = string_slots->size();
    const uint32_t mask = n - 1;
    const uint64_t h = bundle_internal::PathHash(s);
    uint32_t at = static_cast<uint32_t>(h) & mask;
    for (uint32_t probes = 0; probes < n; ++probes) {
      const uint32_t slot = string_slots->Get(at);
      if (slot == 0) return kNoId;
      const uint32_t id = slot - 1;
      if (string_hashes->Get(id) == h && String(id) == s) return id;
      at = (at + 1) & mask;
    }
    return kNoId;
  }

  absl::string_view Path(uint32_t index) const {
    const uint32_t b = acl_path_offsets->Get(index);
    const uint32_t e = acl_path_offsets->Get(index + 1);
    return absl::string_view(
        reinterpret_cast<const char*>(acl_path_bytes->data()) + b, e - b);
  }

  // The ACL resource whose normalised path equals the normalised form of
  // `raw_prefix` (hash `h`), or kNone.
  // `normalised`: raw_prefix needs no normalisation.
  uint32_t FindResource(uint64_t h, absl::string_view raw_prefix,
                        bool normalised = false) const {
    const uint32_t n = acl_slots->size();
    const uint32_t mask = n - 1;
    uint32_t at = static_cast<uint32_t>(h) & mask;
    for (uint32_t probes = 0; probes < n; ++probes) {
      const uint32_t slot = acl_slots->Get(at);
      if (slot == 0) return kNone;
      const uint32_t index = slot - 1;
      if (acl_path_hashes->Get(index) == h &&
          (normalised
               ? raw_prefix == Path(index)
               : engine_internal::NormalisedEquals(raw_prefix, Path(index)))) {
        return index;
      }
      at = (at + 1) & mask;
    }
    return kNone;
  }

  // The record (word offset into acl_records) of the ACL resource whose
  // normalised path equals the normalised form of `raw_prefix` (hash `h`;
  // `normalised`: raw_prefix needs no normalisation), or kNone.
  uint32_t FindRecord(uint64_t h, absl::string_view raw_prefix,
                      bool normalised) const {
    const uint64_t* slots = acl_lookup->data();
    const uint32_t* words = acl_records->data();
    const size_t mask = acl_lookup->size() - 1;
    const uint64_t tag = h >> 32;
    size_t at = h & mask;
    for (size_t probes = 0; probes <= mask; ++probes) {
      const uint64_t slot = slots[at];
      if (slot == 0) return kNone;
      if ((slot >> 32) == tag) {
        const uint32_t rec = static_cast<uint32_t>(slot) - 1;
        const absl::string_view stored = RecordPath(words + rec);
        if (normalised
                ? raw_prefix == stored
                : engine_internal::NormalisedEquals(raw_prefix, stored)) {
          return rec;
        }
      }
      at = (at + 1) & mask;
    }
    return kNone;
  }
  static absl::string_view RecordPath(const uint32_t* record) {
    const uint32_t entries = record[2] & bundle_internal::kRecordEntryCountMask;
    return absl::string_view(reinterpret_cast<const char*>(
                                 record + bundle_internal::kRecordHeaderWords +
                                 entries * bundle_internal::kRecordEntryWords),
                             record[1]);
  }
  // Prefetches the record that the first lookup slot of `h` names, if any.
  void PrefetchRecord(uint64_t h) const {
    const uint64_t slot = acl_lookup->data()[h & (acl_lookup->size() - 1)];
    if (slot != 0 && (slot >> 32) == (h >> 32)) {
      const uint32_t* rec =
          acl_records->data() + (static_cast<uint32_t>(slot) - 1);
      __builtin_prefetch(rec);
      __builtin_prefetch(reinterpret_cast<const char*>(rec) + 64);
    }
  }
  // The records step 3 of Check consults, in order (parent first), or kNone.
  void AclRecords(const RequestPath& path, int acl_action,
                  uint32_t out[2]) const;
  absl::Status VerifyRecords();

  absl::Status Verify(const LoadOptions& options);
  absl::Status CompileRegexes(const LoadOptions& options);
  void Derive();

  // Evaluation (allocation-free).
  bool RuleResourceMatches(uint32_t rule_index, CheckContext& ctx) const;
  bool RolesMatch(uint32_t rule_index, const CheckContext& ctx) const;
  bool PathRuleMatches(uint32_t rule_index, const CheckContext& ctx) const;
  void PrepareContext(CheckContext& ctx) const;
  bool AttributeMatches(absl::string_view attr, const CheckContext& ctx) const;
  uint32_t BestRule(int deny, CheckContext& ctx, bool* applicable) const;
  Decision Check(const RoleSet& principal, absl::string_view resource,
                 absl::string_view action,
                 absl::Span<const AttributeView> attributes) const;
  Decision CheckKey(const RoleSet& principal, const RequestPath& path,
                    absl::string_view action) const;
  // The ACL lists step 3 consults, in order (parent first): resource index
  // or kNone for each.
  void AclLists(const RequestPath& path, int acl_action, uint32_t out[2]) const;
  absl::string_view Normalised(CheckContext& ctx) const;
  std::string EntryText(const fb::AclEntry* entry) const;
  std::string RuleSource(uint32_t index) const;
};

static_assert(std::is_trivially_copyable_v<fb::RuleRef> &&
              sizeof(fb::RuleRef) == 12);
static_assert(std::is_trivially_copyable_v<fb::AclEntry> &&
              sizeof(fb::AclEntry) == 8);
static_assert(std::is_trivially_copyable_v<RequestPath>);
static_assert(std::is_trivially_copyable_v<CheckContext>);
static_assert(bundle_internal::kListByType == 0 &&
              bundle_internal::kListByAny == 1 &&
              bundle_internal::kListByPath == 2 &&
              bundle_internal::kListByRegex == 3);

CompiledPolicy::CompiledPolicy(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
CompiledPolicy::~CompiledPolicy() = default;

// --- Loading ---------------------------------------------------------------

absl::Status CompiledPolicy::Impl::Verify(const LoadOptions& options) {
  auto fail = [](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("bundle index check failed: ", what));
  };
  const uint8_t* data = reinterpret_cast<const uint8_t*>(bytes.data());
  root = fb::GetBundle(data);
  if (root->format_version() != bundle_internal::kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unsupported bundle format version %d (this build reads version %d)",
        root->format_version(), bundle_internal::kFormatVersion));
  }
  // Content hash.
  const auto* table = flatbuffers::GetRoot<flatbuffers::Table>(data);
  const uint8_t* field = table->GetAddressOf(fb::Bundle::VT_CONTENT_HASH);
  if (field == nullptr) {
    return absl::InvalidArgumentError("bundle has no content hash");
  }
  const uint64_t computed = bundle_internal::ContentHash(
      data, bytes.size(), static_cast<size_t>(field - data));
  if (computed != root->content_hash()) {
    return absl::DataLossError(absl::StrFormat(
        "bundle content hash mismatch (stored %016x, computed %016x): the "
        "bundle is corrupt or was modified",
        root->content_hash(), computed));
  }
  (void)options;

  // Every field present.
  string_bytes = root->string_bytes();
  string_offsets = root->string_offsets();
  string_hashes = root->string_hashes();
  string_slots = root->string_slots();
  rules = root->rules();
  hierarchy_roles = root->hierarchy_roles();
  hierarchy_offsets = root->hierarchy_offsets();
  hierarchy_ancestors = root->hierarchy_ancestors();
  acl_path_bytes = root->acl_path_bytes();
  acl_path_offsets = root->acl_path_offsets();
  acl_path_hashes = root->acl_path_hashes();
  acl_slots = root->acl_slots();
  acl_entry_offsets = root->acl_entry_offsets();
  acl_entries = root->acl_entries();
  acl_security = root->acl_security();
  acl_lookup = root->acl_lookup();
  acl_records = root->acl_records();
  if (acl_lookup == nullptr || acl_records == nullptr) {
    return fail("a required field is missing");
  }
  if (string_bytes == nullptr || string_offsets == nullptr ||
      string_hashes == nullptr || string_slots == nullptr || rules == nullptr ||
      root->allow() == nullptr || root->deny() == nullptr ||
      hierarchy_roles == nullptr || hierarchy_offsets == nullptr ||
      hierarchy_ancestors == nullptr || acl_path_bytes == nullptr ||
      acl_path_offsets == nullptr || acl_path_hashes == nullptr ||
      acl_slots == nullptr || acl_entry_offsets == nullptr ||
      acl_entries == nullptr || acl_security == nullptr) {
    return fail("a required field is missing");
  }
  // FlatBuffers 2.0.8's Verifier checks only the 4-byte alignment of a
  // vector's length, so a [ulong] vector's data may sit 4 bytes off an 8-byte
  // boundary in a crafted buffer; reading it in place would then be a
  // misaligned load. Refuse such buffers.
  // (An empty vector's data is never read, and FlatBuffers does not align it.)
  auto aligned8 = [](const U64Vec* v) {
    return v->size() == 0 ||
           reinterpret_cast<uintptr_t>(v->Data()) % alignof(uint64_t) == 0;
  };
  if (!aligned8(string_hashes) || !aligned8(acl_path_hashes) ||
      !aligned8(acl_lookup)) {
    return fail("a 64-bit vector is not 8-byte aligned");
  }
  const fb::RuleIndex* indexes[2] = {root->allow(), root->deny()};
  for (int d = 0; d < 2; ++d) {
    lists[d][0] = indexes[d]->by_type();
    lists[d][1] = indexes[d]->by_any();
    lists[d][2] = indexes[d]->by_path();
    lists[d][3] = indexes[d]->by_regex();
    for (int k = 0; k < 4; ++k) {
      if (lists[d][k] == nullptr) return fail("a rule index list is missing");
    }
  }

  // Spans: offsets start at 0, never decrease, end at the data's size.
  auto check_spans = [](const U32Vec* offsets, size_t items, size_t data_size) {
    if (offsets->size() != items + 1) return false;
    if (offsets->Get(0) != 0) return false;
    for (size_t i = 0; i < items; ++i) {
      if (offsets->Get(i) > offsets->Get(i + 1)) return false;
    }
    return offsets->Get(items) == data_size;
  };

  // Strings.
  string_count = string_hashes->size();
  if (!check_spans(string_offsets, string_count, string_bytes->size())) {
    return fail("string table offsets are inconsistent");
  }
  role_count = root->role_count();
  if (role_count < bundle_internal::kWellKnownRoleCount ||
      role_count > string_count) {
    return fail("role count out of range");
  }
  for (uint32_t i = 0; i < bundle_internal::kWellKnownRoleCount; ++i) {
    if (String(i) != bundle_internal::kWellKnownRoles[i]) {
      return fail("well-known role ids are not 0-4");
    }
  }
  auto check_slots = [](const U32Vec* slots, uint32_t items) {
    if (!IsPowerOfTwo(slots->size()) || slots->size() <= items) return false;
    uint32_t used = 0;
    for (uint32_t s : *slots) {
      if (s > items) return false;
      if (s != 0) ++used;
    }
    return used == items;
  };
  if (!check_slots(string_slots, string_count)) {
    return fail("string hash table is inconsistent");
  }
  for (uint32_t i = 0; i < string_count; ++i) {
    if (string_hashes->Get(i) != bundle_internal::PathHash(String(i))) {
      return fail("string hash mismatch");
    }
    if (LookupString(String(i)) != i) {
      return fail("string hash table does not find every string");
    }
  }

  // Rules.
  const uint32_t rule_count = rules->size();
  int32_t next_regex = 0;
  for (uint32_t i = 0; i < rule_count; ++i) {
    const fb::Rule* rule = rules->Get(i);
    const int kind = static_cast<int>(rule->pattern_kind());
    if (kind < 0 || kind > 3) return fail("rule pattern kind out of range");
    if (rule->pattern_kind() == fb::PatternKind::Type &&
        rule->type_id() >= string_count) {
      return fail("rule type id out of range");
    }
    if (rule->pattern_kind() == fb::PatternKind::Path &&
        !engine_internal::IsValidPathPattern(View(rule->pattern()))) {
      return fail("rule path pattern is invalid");
    }
    if (rule->pattern_kind() == fb::PatternKind::Regex) {
      if (rule->regex_index() != next_regex) {
        return fail("regex rule numbering is inconsistent");
      }
      ++next_regex;
    } else if (rule->regex_index() != -1) {
      return fail("regex index on a rule that is not a regex rule");
    }
    if (rule->actions() == nullptr || rule->roles() == nullptr ||
        rule->attributes() == nullptr) {
      return fail("rule without actions, roles or attributes list");
    }
    if (rule->actions()->size() == 0) return fail("rule without actions");
    for (uint32_t a : *rule->actions()) {
      if (a != kWildcardAction && a >= string_count) {
        return fail("rule action id out of range");
      }
    }
    uint32_t prev = 0;
    bool first = true;
    for (uint32_t r : *rule->roles()) {
      if (r >= role_count) return fail("rule role id out of range");
      if (!first && r <= prev) return fail("rule roles are not sorted");
      prev = r;
      first = false;
    }
    for (const flatbuffers::String* attr : *rule->attributes()) {
      if (attr == nullptr) return fail("null attribute name");
    }
  }
  for (int d = 0; d < 2; ++d) {
    for (int k = 0; k < 4; ++k) {
      const RefVec* list = lists[d][k];
      for (uint32_t j = 0; j < list->size(); ++j) {
        const fb::RuleRef* ref = list->Get(j);
        if (ref->rule() >= rule_count) return fail("rule index out of range");
        const fb::Rule* rule = rules->Get(ref->rule());
        if (rule->deny() != (d == 1) ||
            bundle_internal::ListOfPatternKind(
                static_cast<int>(rule->pattern_kind())) != k) {
          return fail("rule filed in the wrong index");
        }
        uint32_t want_key = 0;
        if (k == bundle_internal::kListByType) want_key = rule->type_id();
        if (k == bundle_internal::kListByPath) {
          want_key = bundle_internal::PathPatternKey(View(rule->pattern()));
        }
        if (ref->key() != want_key) return fail("rule index key mismatch");
        const auto* acts = rule->actions();
        if (std::find(acts->begin(), acts->end(), ref->action()) ==
            acts->end()) {
          return fail("rule index action mismatch");
        }
        if (j > 0) {
          const fb::RuleRef* p = list->Get(j - 1);
          const bool ordered =
              p->key() < ref->key() ||
              (p->key() == ref->key() &&
               (p->action() < ref->action() ||
                (p->action() == ref->action() && p->rule() < ref->rule())));
          if (!ordered) return fail("rule index is not sorted");
        }
      }
    }
  }

  for (int d = 0; d < 2; ++d) {
    for (int k = 0; k < 4; ++k) {
      for (const fb::RuleRef* ref : *lists[d][k]) {
        if (ref->action() == kWildcardAction) has_wildcard[d][k] = true;
        if (k == bundle_internal::kListByPath) {
          const absl::string_view pattern =
              View(rules->Get(ref->rule())->pattern());
          int length = 0;
          engine_internal::ForEachNormalisedSegment(
              pattern, [&](absl::string_view seg) {
                if (seg == "*" || seg == "**") return false;
                ++length;
                return true;
              });
          path_prefix_lengths[d] |= uint64_t{1} << std::min(length, 63);
        }
      }
    }
  }

  // Hierarchy.
  const uint32_t hcount = hierarchy_roles->size();
  if (!check_spans(hierarchy_offsets, hcount, hierarchy_ancestors->size())) {
    return fail("role hierarchy offsets are inconsistent");
  }
  for (uint32_t i = 0; i < hcount; ++i) {
    if (hierarchy_roles->Get(i) >= role_count) {
      return fail("role hierarchy id out of range");
    }
    if (i > 0 && hierarchy_roles->Get(i - 1) >= hierarchy_roles->Get(i)) {
      return fail("role hierarchy is not sorted");
    }
  }
  for (uint32_t a : *hierarchy_ancestors) {
    if (a >= role_count) return fail("role hierarchy ancestor out of range");
  }

  // ACL table.
  resource_count = acl_path_hashes->size();
  if (!check_spans(acl_path_offsets, resource_count, acl_path_bytes->size())) {
    return fail("ACL path offsets are inconsistent");
  }
  if (!check_spans(acl_entry_offsets, resource_count, acl_entries->size())) {
    return fail("ACL entry spans are inconsistent");
  }
  if (acl_security->size() != resource_count) {
    return fail("ACL security flags are inconsistent");
  }
  if (!check_slots(acl_slots, resource_count)) {
    return fail("ACL hash table is inconsistent");
  }
  for (uint32_t i = 0; i < resource_count; ++i) {
    const absl::string_view path = Path(i);
    RequestPath p;
    size_t offset = 0;
    if (ParseRequestPath(path, &p, &offset) != PathError::kOk ||
        !p.normalised) {
      return fail("ACL resource path is invalid");
    }
    if (acl_path_hashes->Get(i) != p.hash)
      return fail("ACL path hash mismatch");
    if (FindResource(p.hash, path) != i) {
      return fail("ACL hash table does not find every resource");
    }
    const uint32_t b = acl_entry_offsets->Get(i);
    const uint32_t e = acl_entry_offsets->Get(i + 1);
    for (uint32_t j = b; j < e; ++j) {
      const fb::AclEntry* entry = acl_entries->Get(j);
      if (entry->role() >= role_count) return fail("ACL role id out of range");
      if (entry->action() > kAclDelete || entry->written() > 4) {
        return fail("ACL action out of range");
      }
      if (j > b) {
        const fb::AclEntry* p = acl_entries->Get(j - 1);
        if (p->action() > entry->action() ||
            (p->action() == entry->action() &&
             p->position() > entry->position())) {
          return fail("ACL entries are not sorted");
        }
      }
    }
  }
  return VerifyRecords();
}

absl::Status CompiledPolicy::Impl::VerifyRecords() {
  using bundle_internal::kRecordEntryCountMask;
  using bundle_internal::kRecordEntryWords;
  using bundle_internal::kRecordHeaderWords;
  using bundle_internal::kRecordSecurityBit;
  auto fail = [](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("bundle index check failed: ", what));
  };
  // Records: one per resource, in order, equal to the primary ACL table.
  const uint32_t* words = acl_records->data();
  const size_t total = acl_records->size();
  std::vector<uint32_t> record_at(resource_count);
  size_t w = 0;
  for (uint32_t i = 0; i < resource_count; ++i) {
    if (total - w < kRecordHeaderWords) return fail("ACL record truncated");
    record_at[i] = static_cast<uint32_t>(w);
    const uint32_t* rec = words + w;
    const absl::string_view path = Path(i);
    const uint32_t b = acl_entry_offsets->Get(i);
    const uint32_t e = acl_entry_offsets->Get(i + 1);
    const uint32_t flags = rec[2];
    if (rec[0] != i || rec[1] != path.size() ||
        (flags & ~(kRecordEntryCountMask | kRecordSecurityBit)) != 0 ||
        (flags & kRecordEntryCountMask) != e - b ||
        ((flags & kRecordSecurityBit) != 0) != (acl_security->Get(i) != 0)) {
      return fail("ACL record header does not match the ACL table");
    }
    const size_t path_words = (size_t{path.size()} + 3) / 4;
    const size_t need =
        kRecordHeaderWords + size_t{e - b} * kRecordEntryWords + path_words;
    if (total - w < need) return fail("ACL record truncated");
    const uint32_t* ent = rec + kRecordHeaderWords;
    for (uint32_t j = b; j < e; ++j, ent += kRecordEntryWords) {
      const fb::AclEntry* entry = acl_entries->Get(j);
      const uint32_t packed = uint32_t{entry->action()} |
                              uint32_t{entry->written()} << 8 |
                              uint32_t{entry->position()} << 16;
      if (ent[0] != entry->role() || ent[1] != packed) {
        return fail("ACL record entries do not match the ACL table");
      }
    }
    const char* bytes = reinterpret_cast<const char*>(ent);
    if (absl::string_view(bytes, path.size()) != path) {
      return fail("ACL record path does not match the ACL table");
    }
    for (size_t k = path.size(); k < path_words * 4; ++k) {
      if (bytes[k] != 0) return fail("ACL record padding is not zero");
    }
    w += need;
  }
  if (w != total) return fail("ACL records have trailing words");
  // Lookup table: every slot names a record start with its hash tag, and
  // every resource is found.
  const uint32_t n = acl_lookup->size();
  if (!IsPowerOfTwo(n) || n <= resource_count) {
    return fail("ACL lookup table is inconsistent");
  }
  uint32_t used = 0;
  for (uint64_t slot : *acl_lookup) {
    if (slot == 0) continue;
    ++used;
    const uint32_t low = static_cast<uint32_t>(slot);
    if (low == 0) return fail("ACL lookup slot is inconsistent");
    auto it = std::lower_bound(record_at.begin(), record_at.end(), low - 1);
    if (it == record_at.end() || *it != low - 1) {
      return fail("ACL lookup slot does not name a record");
    }
    const size_t r = static_cast<size_t>(it - record_at.begin());
    if ((slot >> 32) != (acl_path_hashes->Get(r) >> 32)) {
      return fail("ACL lookup tag mismatch");
    }
  }
  if (used != resource_count) return fail("ACL lookup table is inconsistent");
  for (uint32_t i = 0; i < resource_count; ++i) {
    if (FindRecord(acl_path_hashes->Get(i), Path(i), true) != record_at[i]) {
      return fail("ACL lookup table does not find every resource");
    }
  }
  return absl::OkStatus();
}

absl::Status CompiledPolicy::Impl::CompileRegexes(const LoadOptions& options) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(options.regex_set_max_mem);
  auto set = std::make_unique<RE2::Set>(opts, RE2::ANCHOR_BOTH);
  for (uint32_t i = 0; i < rules->size(); ++i) {
    const fb::Rule* rule = rules->Get(i);
    if (rule->pattern_kind() != fb::PatternKind::Regex) continue;
    const absl::string_view pattern = View(rule->pattern());
    auto re = std::make_unique<RE2>(Piece(pattern), opts);
    if (!re->ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bundle regex rule ", i, " does not compile: ", re->error()));
    }
    std::string error;
    if (set->Add(Piece(pattern), &error) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bundle regex rule ", i, " does not compile: ", error));
    }
    RegexRange range;
    range.has_range = re->PossibleMatchRange(&range.min, &range.max, 256);
    regex_ranges.push_back(std::move(range));
    regexes.push_back(std::move(re));
  }
  if (!regexes.empty()) {
    if (!set->Compile()) {
      return absl::ResourceExhaustedError(
          "the regex rules do not fit in the RE2 memory budget "
          "(regex_set_max_mem)");
    }
    regex_set = std::move(set);
  }
  return absl::OkStatus();
}

void CompiledPolicy::Impl::Derive() {
  const uint32_t rule_count = rules->size();
  rule_info.assign(rule_count, RuleInfo{});
  for (uint32_t i = 0; i < rule_count; ++i) {
    const fb::Rule* rule = rules->Get(i);
    RuleInfo& info = rule_info[i];
    const U32Vec* roles = rule->roles();
    info.roles = roles->data();
    info.role_count = roles->size();
    for (uint32_t j = 0; j < info.role_count && j < RuleInfo::kInlineRoles;
         ++j) {
      info.inline_roles[j] = roles->Get(j);
    }
    for (uint32_t r : *roles) {
      const uint32_t bit = RoleSignatureBit(r);
      info.sig[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
    info.has_attributes = rule->attributes()->size() != 0;
    info.kind = rule->pattern_kind();
    if (info.kind == fb::PatternKind::Type) info.segments = rule->type_id();
    if (info.kind == fb::PatternKind::Regex) {
      info.segments = static_cast<uint32_t>(rule->regex_index());
    }
    if (info.kind != fb::PatternKind::Path) continue;
    // Shape: literal segments, then only `*` segments, then maybe `**`.
    const absl::string_view pattern = View(rule->pattern());
    info.pattern = pattern.data();
    uint32_t literal = 0;
    uint32_t stars = 0;
    bool general = false;
    bool any_tail = false;
    size_t prefix_bytes = 0;
    size_t start = 0;
    while (true) {
      const size_t end = bundle_internal::FindSlash(pattern, start);
      const absl::string_view seg = pattern.substr(start, end - start);
      if (seg == "**") {
        any_tail = true;  // always last (checked at load)
      } else if (seg == "*") {
        ++stars;
      } else if (stars > 0) {
        general = true;
      } else {
        ++literal;
        prefix_bytes = end;
      }
      if (end >= pattern.size()) break;
      start = end + 1;
    }
    if (general) continue;
    info.shape = any_tail ? kShapeAtLeast : kShapeExact;
    info.prefix_bytes = static_cast<uint32_t>(prefix_bytes);
    info.segments = literal + stars;
  }
  for (int d = 0; d < 2; ++d) {
    for (int k = 0; k < 4; ++k) groups[d][k].Build(lists[d][k]);
  }
  std::vector<uint32_t> type_ids;
  for (int d = 0; d < 2; ++d) {
    for (const fb::RuleRef* ref : *lists[d][bundle_internal::kListByType]) {
      type_ids.push_back(ref->key());
    }
  }
  std::sort(type_ids.begin(), type_ids.end());
  type_ids.erase(std::unique(type_ids.begin(), type_ids.end()), type_ids.end());
  for (uint32_t id : type_ids) {
    types.Add(string_hashes->Get(id), id, String(id));
  }
  types.Finish();
  static constexpr absl::string_view kStandard[4] = {"read", "create", "update",
                                                     "delete"};
  static_assert(kAclRead == 0 && kAclCreate == 1 && kAclUpdate == 2 &&
                kAclDelete == 3);
  for (int a = 0; a < 4; ++a)
    standard_action_ids[a] = LookupString(kStandard[a]);
}

absl::StatusOr<std::unique_ptr<CompiledPolicy>> CompiledPolicy::Load(
    std::string bytes, const LoadOptions& options) {
  if (bytes.empty()) return absl::InvalidArgumentError("bundle is empty");
  const size_t limit = std::min<size_t>(options.max_bundle_bytes,
                                        FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  if (bytes.size() > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("bundle is ", bytes.size(),
                     " bytes, over the limit (max_bundle_bytes) of ", limit));
  }
  if (bytes.size() < 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("bundle is too small (", bytes.size(), " bytes)"));
  }
  auto impl = std::make_unique<Impl>();
  impl->bytes = std::move(bytes);
  // std::string's heap storage is at least 16-byte aligned, which FlatBuffers
  // needs for in-place reads.
  const uint8_t* data = reinterpret_cast<const uint8_t*>(impl->bytes.data());
  if (reinterpret_cast<uintptr_t>(data) % 8 != 0) {
    return absl::InternalError("bundle storage is not 8-byte aligned");
  }
  if (!flatbuffers::BufferHasIdentifier(data,
                                        bundle_internal::kFileIdentifier)) {
    return absl::InvalidArgumentError(
        "not a Warden bundle: file identifier is not `WDNB`");
  }
  flatbuffers::Verifier::Options vopts;
  vopts.max_depth = options.verifier_max_depth;
  vopts.max_tables = options.verifier_max_tables;
  vopts.check_alignment = true;
  flatbuffers::Verifier verifier(data, impl->bytes.size(), vopts);
  if (!fb::VerifyBundleBuffer(verifier)) {
    return absl::InvalidArgumentError(
        "bundle failed FlatBuffers verification (truncated or malformed)");
  }
  absl::Status status = impl->Verify(options);
  if (!status.ok()) return status;
  status = impl->CompileRegexes(options);
  if (!status.ok()) return status;
  impl->Derive();
  return std::unique_ptr<CompiledPolicy>(new CompiledPolicy(std::move(impl)));
}

// --- Evaluation ------------------------------------------------------------

namespace {

// User ids (LANGUAGE.md §1): 1-36 of [A-Za-z0-9._-], not starting with
// '.', '-' or '_'. Allocation-free.
bool IsValidIdView(absl::string_view id) {
  if (id.empty() || id.size() > 36) return false;
  if (id[0] == '.' || id[0] == '-' || id[0] == '_') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::string_view CompiledPolicy::Impl::Normalised(CheckContext& ctx) const {
  if (ctx.path->normalised) return ctx.path->raw;
  if (ctx.normalised.empty()) {
    const size_t n = engine_internal::WriteNormalised(ctx.path->raw, ctx.buf,
                                                      kMaxRegexPathBytes);
    if (n == 0) {
      ctx.error = true;
      return absl::string_view();
    }
    ctx.normalised = absl::string_view(ctx.buf, n);
  }
  return ctx.normalised;
}

bool CompiledPolicy::Impl::RuleResourceMatches(uint32_t rule_index,
                                               CheckContext& ctx) const {
  const RuleInfo& info = rule_info[rule_index];
  switch (info.kind) {
    case fb::PatternKind::Any:
      return true;
    case fb::PatternKind::Type:
      return info.segments == ctx.type_id;
    case fb::PatternKind::Path:
      return PathRuleMatches(rule_index, ctx);
    case fb::PatternKind::Regex: {
      const uint32_t index = info.segments;
      if (index >= regexes.size() || regex_set == nullptr) {
        ctx.error = true;
        return false;
      }
      const absl::string_view text = Normalised(ctx);
      if (ctx.error) return false;
      if (ctx.regex_state == 0) {
        RE2::Set::ErrorInfo info;
        info.kind = RE2::Set::kNoError;
        const bool any = regex_set->Match(Piece(text), nullptr, &info);
        if (!any && info.kind != RE2::Set::kNoError) {
          // Out of memory (or another failure): never "no match".
          ctx.error = true;
          return false;
        }
        ctx.regex_state = any ? 1 : 2;
      }
      if (ctx.regex_state == 2) return false;
      const RegexRange& range = regex_ranges[index];
      if (range.has_range && (text < absl::string_view(range.min) ||
                              text > absl::string_view(range.max))) {
        return false;
      }
      return RE2::FullMatch(Piece(text), *regexes[index]);
    }
  }
  return false;
}

bool CompiledPolicy::Impl::AttributeMatches(absl::string_view attr,
                                            const CheckContext& ctx) const {
  for (const AttributeView& a : ctx.attributes) {
    if (a.name != attr) continue;
    if (!IsValidIdView(a.value)) return false;
    const std::vector<std::string>& users = ctx.principal->user_ids();
    auto it = std::lower_bound(users.begin(), users.end(), a.value,
                               [](const std::string& s, absl::string_view v) {
                                 return absl::string_view(s) < v;
                               });
    return it != users.end() && absl::string_view(*it) == a.value;
  }
  return false;
}

bool CompiledPolicy::Impl::PathRuleMatches(uint32_t rule_index,
                                           const CheckContext& ctx) const {
  const RequestPath& path = *ctx.path;
  const RuleInfo& info = rule_info[rule_index];
  if (info.shape == kShapeGeneral || !path.normalised) {
    return engine_internal::GlobMatch(View(rules->Get(rule_index)->pattern()),
                                      path.raw);
  }
  if (info.shape == kShapeExact ? path.segments != info.segments
                                : path.segments < info.segments) {
    return false;
  }
  const size_t n = info.prefix_bytes;
  if (n == 0) return true;
  const absl::string_view raw = path.raw;
  return raw.size() >= n && std::memcmp(raw.data(), info.pattern, n) == 0 &&
         (raw.size() == n || raw[n] == '/');
}

bool CompiledPolicy::Impl::RolesMatch(uint32_t rule_index,
                                      const CheckContext& ctx) const {
  const RuleInfo& info = rule_info[rule_index];
  if (((info.sig[0] & ctx.held_sig[0]) | (info.sig[1] & ctx.held_sig[1])) !=
      0) {
    const absl::Span<const uint32_t> held = ctx.principal->ids();
    auto held_role = [&](uint32_t r) {
      const uint32_t bit = RoleSignatureBit(r);
      return (ctx.held_sig[bit >> 6] & (uint64_t{1} << (bit & 63))) != 0 &&
             ContainsSorted(held, r);
    };
    const uint32_t n = info.role_count;
    const uint32_t inline_n = std::min(n, RuleInfo::kInlineRoles);
    for (uint32_t i = 0; i < inline_n; ++i) {
      if (held_role(info.inline_roles[i])) return true;
    }
    for (uint32_t i = inline_n; i < n; ++i) {
      if (held_role(info.roles[i])) return true;
    }
  }
  if (info.has_attributes) {
    for (const flatbuffers::String* attr :
         *rules->Get(rule_index)->attributes()) {
      if (AttributeMatches(View(attr), ctx)) return true;
    }
  }
  return false;
}

void CompiledPolicy::Impl::PrepareContext(CheckContext& ctx) const {
  // In registers: a read-modify-write of ctx per role would chain the
  // iterations through memory.
  uint64_t low = 0;
  uint64_t high = 0;
  for (uint32_t id : ctx.principal->ids()) {
    const uint32_t bit = RoleSignatureBit(id);
    const uint64_t mask = uint64_t{1} << (bit & 63);
    low |= (bit >> 6) == 0 ? mask : 0;
    high |= (bit >> 6) != 0 ? mask : 0;
  }
  ctx.held_sig[0] = low;
  ctx.held_sig[1] = high;
}

uint32_t CompiledPolicy::Impl::BestRule(int deny, CheckContext& ctx,
                                        bool* applicable) const {
  uint32_t best = kNone;
  const uint32_t actions[2] = {ctx.action_id, kWildcardAction};
  const auto* groups_of = groups[deny];
  // Scans the refs of one (key, action) run, in rule order.
  auto scan = [&](int k, uint32_t key) {
    const auto* refs =
        reinterpret_cast<const fb::RuleRef*>(lists[deny][k]->Data());
    for (uint32_t action : actions) {
      if (action == kNoId) continue;
      if (action == kWildcardAction && !has_wildcard[deny][k]) continue;
      uint32_t lo, hi;
      groups_of[k].Find(key, action, &lo, &hi);
      for (uint32_t j = lo; j < hi; ++j) {
        const uint32_t index = refs[j].rule();
        if (index >= best) break;
        if (k >= bundle_internal::kListByPath) {
          if (!RuleResourceMatches(index, ctx)) {
            if (ctx.error) return;
            // The RE2::Set found no regex that matches: none of this run
            // can.
            if (k == bundle_internal::kListByRegex && ctx.regex_state == 2) {
              break;
            }
            continue;
          }
        }
        if (applicable != nullptr) *applicable = true;
        if (RolesMatch(index, ctx)) {
          best = index;
          break;
        }
      }
    }
  };
  for (int k = 0; k < 4; ++k) {
    if (lists[deny][k]->size() == 0) continue;
    if (k == bundle_internal::kListByType) {
      if (ctx.type_id == kNoId) continue;
      scan(k, ctx.type_id);
    } else if (k == bundle_internal::kListByPath) {
      // Probe the key of every prefix of the (normalised) path.
      const uint64_t lengths = path_prefix_lengths[deny];
      const uint32_t segments = ctx.path->segments;
      if (segments <= kMaxKeyedSegments) {
        if (!ctx.keys_ready) {
          bundle_internal::PathHasher hasher;
          ctx.prefix_keys[0] = static_cast<uint32_t>(hasher.Finish());
          uint32_t length = 0;
          engine_internal::ForEachNormalisedSegment(
              ctx.path->raw, [&](absl::string_view seg) {
                hasher.AddSegment(seg);
                ctx.prefix_keys[++length] =
                    static_cast<uint32_t>(hasher.Finish());
                return true;
              });
          ctx.keys_ready = true;
        }
        for (uint32_t length = 0; length <= segments; ++length) {
          if ((lengths & (uint64_t{1} << length)) == 0) continue;
          scan(k, ctx.prefix_keys[length]);
          if (ctx.error) break;
        }
      } else {
        bundle_internal::PathHasher hasher;
        if (lengths & 1) scan(k, static_cast<uint32_t>(hasher.Finish()));
        int length = 0;
        engine_internal::ForEachNormalisedSegment(
            ctx.path->raw, [&](absl::string_view seg) {
              hasher.AddSegment(seg);
              ++length;
              if (lengths & (uint64_t{1} << std::min(length, 63))) {
                scan(k, static_cast<uint32_t>(hasher.Finish()));
              }
              return !ctx.error;
            });
      }
    } else {
      scan(k, 0);
    }
    if (ctx.error) return kNone;
  }
  return best;
}

void CompiledPolicy::Impl::AclLists(const RequestPath& path, int acl_action,
                                    uint32_t out[2]) const {
  out[0] = kNone;
  out[1] = kNone;
  if (acl_action < 0 || resource_count == 0) return;
  const absl::string_view parent = path.raw.substr(0, path.parent_end);
  if (acl_action == kAclCreate) {
    if (path.parent_end > 0)
      out[0] = FindResource(path.parent_hash, parent, path.normalised);
    return;
  }
  if (path.leaf) {
    if (path.parent_end == 0) return;
    out[0] = FindResource(path.parent_hash, parent, path.normalised);
    if (out[0] != kNone && acl_security->Get(out[0]) != 0) {
      out[1] = FindResource(path.hash, path.raw, path.normalised);
    }
    return;
  }
  out[0] = FindResource(path.hash, path.raw, path.normalised);
}

void CompiledPolicy::Impl::AclRecords(const RequestPath& path, int acl_action,
                                      uint32_t out[2]) const {
  out[0] = kNone;
  out[1] = kNone;
  if (acl_action < 0 || resource_count == 0) return;
  const absl::string_view parent = path.raw.substr(0, path.parent_end);
  if (acl_action == kAclCreate) {
    if (path.parent_end > 0) {
      out[0] = FindRecord(path.parent_hash, parent, path.normalised);
    }
    return;
  }
  if (path.leaf) {
    if (path.parent_end == 0) return;
    out[0] = FindRecord(path.parent_hash, parent, path.normalised);
    if (out[0] != kNone && (acl_records->data()[out[0] + 2] &
                            bundle_internal::kRecordSecurityBit) != 0) {
      out[1] = FindRecord(path.hash, path.raw, path.normalised);
    }
    return;
  }
  out[0] = FindRecord(path.hash, path.raw, path.normalised);
}

Decision CompiledPolicy::Impl::CheckKey(const RoleSet& principal,
                                        const RequestPath& path,
                                        absl::string_view action) const {
  Decision d;
  d.reason = Reason::kScopeMissing;
  const bool is_write =
      action == "create" || action == "update" || action == "delete";
  const auto& scopes = principal.scopes();
  for (size_t i = 0; i < scopes.size(); ++i) {
    const absl::string_view scope = scopes[i];
    const size_t dot = scope.rfind('.');
    if (dot == absl::string_view::npos) continue;
    const absl::string_view kinds = scope.substr(0, dot);
    const absl::string_view perm = scope.substr(dot + 1);
    const bool read = perm == "read";
    const bool write = perm == "write";
    bool covers = false;
    if (kinds == "execution") {
      if (path.type == "execution") {
        covers = (read && action == "read") || (write && is_write);
      }
      if (write && path.type == "function" && action == "execute") {
        covers = true;
      }
    } else if (kinds.size() > 1 && kinds.back() == 's' &&
               kinds.substr(0, kinds.size() - 1) == path.type) {
      covers = (read && action == "read") || (write && is_write);
    }
    if (covers) {
      d.allowed = true;
      d.reason = Reason::kAllowedByScope;
      d.grant = GrantKind::kScope;
      d.index = static_cast<uint32_t>(i);
      return d;
    }
  }
  return d;
}

Decision CompiledPolicy::Impl::Check(
    const RoleSet& principal, absl::string_view resource,
    absl::string_view action,
    absl::Span<const AttributeView> attributes) const {
  Decision d;
  RequestPath path;
  size_t offset = 0;
  if (principal.kind() == RoleSet::Kind::kInvalid ||
      !IsRequestActionView(action) ||
      ParseRequestPath(resource, &path, &offset) != PathError::kOk) {
    d.reason = Reason::kInvalidRequest;
    return d;
  }
  if (principal.kind() == RoleSet::Kind::kApiKey) {
    return CheckKey(principal, path, action);
  }
  const int acl_action = AclActionOf(action);
  if (resource_count != 0 && acl_action >= 0) {
    // The ACL records this check may read, fetched while the rules are
    // evaluated: nothing below waits for these slot loads.
    PrefetchRecord(path.hash);
    if (path.parent_end > 0) PrefetchRecord(path.parent_hash);
  }
  char buf[kMaxRegexPathBytes];
  CheckContext ctx;
  ctx.path = &path;
  ctx.principal = &principal;
  ctx.attributes = attributes;
  ctx.buf = buf;
  ctx.action_id =
      acl_action >= 0 ? standard_action_ids[acl_action] : LookupString(action);
  // Only by_type keys matter to Check: a type no rule names is kNoId.
  ctx.type_id = types.Find(path.type, kNoId);
  PrepareContext(ctx);

  // 1. Deny rules.
  const uint32_t deny = BestRule(1, ctx, nullptr);
  if (ctx.error) {
    d.reason = Reason::kEvaluationError;
    return d;
  }
  if (deny != kNone) {
    d.reason = Reason::kDeniedByRule;
    d.grant = GrantKind::kRule;
    d.index = deny;
    return d;
  }
  // 2. Allow rules.
  bool applicable = false;
  const uint32_t allow = BestRule(0, ctx, &applicable);
  if (ctx.error) {
    d.reason = Reason::kEvaluationError;
    return d;
  }
  if (allow != kNone) {
    d.allowed = true;
    d.reason = Reason::kAllowedByRule;
    d.grant = GrantKind::kRule;
    d.index = allow;
    return d;
  }
  // 3. ACLs, from the records (entries sorted by action, then position).
  uint32_t records[2];
  AclRecords(path, acl_action, records);
  const absl::Span<const uint32_t> held = principal.ids();
  for (uint32_t rec : records) {
    if (rec == kNone) continue;
    const uint32_t* r = acl_records->data() + rec;
    const uint32_t n = r[2] & bundle_internal::kRecordEntryCountMask;
    const uint32_t* e = r + bundle_internal::kRecordHeaderWords;
    for (uint32_t j = 0; j < n; ++j, e += bundle_internal::kRecordEntryWords) {
      if (static_cast<int>(e[1] & 0xFF) != acl_action) continue;
      applicable = true;
      const uint32_t role = e[0];
      const uint32_t bit = RoleSignatureBit(role);
      if ((ctx.held_sig[bit >> 6] & (uint64_t{1} << (bit & 63))) != 0 &&
          ContainsSorted(held, role)) {
        d.allowed = true;
        d.reason = Reason::kAllowedByAcl;
        d.grant = GrantKind::kAcl;
        d.index = r[0];
        d.entry = (e[1] >> 16) & 0xFF;
        return d;
      }
    }
  }
  // 4. Default deny.
  d.reason = applicable ? Reason::kRoleNotHeld : Reason::kNoGrant;
  return d;
}

std::string CompiledPolicy::Impl::EntryText(const fb::AclEntry* entry) const {
  return absl::StrCat(AclWrittenName(entry->written()), "(\"",
                      String(entry->role()), "\")");
}

std::string CompiledPolicy::Impl::RuleSource(uint32_t index) const {
  const fb::Rule* rule = rules->Get(index);
  const absl::string_view file = View(rule->file());
  if (file.empty()) return absl::StrCat("rule #", index);
  return absl::StrCat("rule ", file, ":", rule->line());
}

Decision CompiledPolicy::Check(
    const RoleSet& principal, absl::string_view resource,
    absl::string_view action,
    absl::Span<const AttributeView> attributes) const {
  return impl_->Check(principal, resource, action, attributes);
}

Explanation CompiledPolicy::Explain(
    const RoleSet& principal, absl::string_view resource,
    absl::string_view action,
    absl::Span<const AttributeView> attributes) const {
  const Impl& im = *impl_;
  Explanation ex;
  ex.decision = im.Check(principal, resource, action, attributes);
  ex.roles = principal.names();
  RequestPath path;
  size_t offset = 0;
  if (principal.kind() != RoleSet::Kind::kRoles ||
      !IsRequestActionView(action) ||
      ParseRequestPath(resource, &path, &offset) != PathError::kOk) {
    return ex;
  }
  std::vector<char> buf(kMaxRegexPathBytes);
  CheckContext ctx;
  ctx.path = &path;
  ctx.principal = &principal;
  ctx.attributes = attributes;
  ctx.buf = buf.data();
  ctx.action_id = im.LookupString(action);
  ctx.type_id = im.LookupString(path.type);
  const absl::Span<const uint32_t> held = principal.ids();
  for (uint32_t i = 0; i < im.rules->size(); ++i) {
    const fb::Rule* rule = im.rules->Get(i);
    bool action_matches = false;
    for (uint32_t a : *rule->actions()) {
      if (a == kWildcardAction || (a == ctx.action_id && a != kNoId)) {
        action_matches = true;
      }
    }
    if (!action_matches || !im.RuleResourceMatches(i, ctx)) continue;
    for (uint32_t role : *rule->roles()) {
      ConsideredGrant g;
      g.source = im.RuleSource(i);
      g.text = std::string(View(rule->text()));
      g.role = std::string(im.String(role));
      g.deny = rule->deny();
      g.held = ContainsSorted(held, role);
      ex.considered.push_back(std::move(g));
    }
    for (const flatbuffers::String* attr : *rule->attributes()) {
      ConsideredGrant g;
      g.source = im.RuleSource(i);
      g.text = std::string(View(rule->text()));
      g.role = absl::StrCat("user:$", View(attr));
      g.deny = rule->deny();
      g.held = im.AttributeMatches(View(attr), ctx);
      ex.considered.push_back(std::move(g));
    }
  }
  const int acl_action = AclActionOf(action);
  uint32_t lists[2];
  im.AclLists(path, acl_action, lists);
  for (uint32_t res : lists) {
    if (res == kNone) continue;
    const uint32_t b = im.acl_entry_offsets->Get(res);
    const uint32_t e = im.acl_entry_offsets->Get(res + 1);
    for (uint32_t j = b; j < e; ++j) {
      const fb::AclEntry* entry = im.acl_entries->Get(j);
      if (entry->action() != acl_action) continue;
      ConsideredGrant g;
      g.source = absl::StrCat("acl ", im.Path(res), "#", entry->position());
      g.text = im.EntryText(entry);
      g.role = std::string(im.String(entry->role()));
      g.held = ContainsSorted(held, entry->role());
      ex.considered.push_back(std::move(g));
    }
  }
  return ex;
}

absl::Status CompiledPolicy::ValidateRequest(absl::string_view resource,
                                             absl::string_view action) {
  RequestPath path;
  size_t offset = 0;
  const PathError err = ParseRequestPath(resource, &path, &offset);
  if (err != PathError::kOk) {
    // The parser's message names the problem the same way everywhere; the
    // engine's own (allocation-free) check is the one Check() applies.
    absl::Status parser_status = ValidateResourcePath(resource);
    if (!parser_status.ok()) return parser_status;
    return absl::InvalidArgumentError(
        absl::StrCat("invalid resource path `", resource, "` at offset ",
                     offset, ": ", engine_internal::PathErrorText(err)));
  }
  if (action == "write" || action == "*") {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid action `", action,
                     "`: a request names one action (read, create, update, "
                     "delete or a custom action)"));
  }
  if (!IsRequestActionView(action)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid action `", action, "`: an action is a lower-case identifier"));
  }
  return absl::OkStatus();
}

GrantInfo CompiledPolicy::GetGrantInfo(const RoleSet& principal,
                                       const Decision& decision) const {
  const Impl& im = *impl_;
  GrantInfo info;
  switch (decision.grant) {
    case GrantKind::kNone:
      break;
    case GrantKind::kRule: {
      if (decision.index >= im.rules->size()) break;
      const fb::Rule* rule = im.rules->Get(decision.index);
      info.kind = GrantKind::kRule;
      info.text = std::string(View(rule->text()));
      info.file = std::string(View(rule->file()));
      info.line = rule->line();
      break;
    }
    case GrantKind::kAcl: {
      if (decision.index >= im.resource_count) break;
      info.kind = GrantKind::kAcl;
      info.resource = std::string(im.Path(decision.index));
      info.entry = decision.entry;
      const uint32_t b = im.acl_entry_offsets->Get(decision.index);
      const uint32_t e = im.acl_entry_offsets->Get(decision.index + 1);
      for (uint32_t j = b; j < e; ++j) {
        const fb::AclEntry* entry = im.acl_entries->Get(j);
        if (entry->position() == decision.entry) {
          info.text = im.EntryText(entry);
          break;
        }
      }
      break;
    }
    case GrantKind::kScope:
      if (decision.index >= principal.scopes().size()) break;
      info.kind = GrantKind::kScope;
      info.text = principal.scopes()[decision.index];
      break;
  }
  return info;
}

std::string CompiledPolicy::DescribeGrant(const RoleSet& principal,
                                          const Decision& decision) const {
  const GrantInfo info = GetGrantInfo(principal, decision);
  switch (info.kind) {
    case GrantKind::kNone:
      return "";
    case GrantKind::kRule:
      if (info.file.empty()) {
        return absl::StrCat("rule #", decision.index, " ", info.text);
      }
      return absl::StrCat("rule ", info.file, ":", info.line, " ", info.text);
    case GrantKind::kAcl:
      return absl::StrCat("acl ", info.resource, " #", info.entry, " ",
                          info.text);
    case GrantKind::kScope:
      return absl::StrCat("scope ", info.text);
  }
  return "";
}

// --- Principals ------------------------------------------------------------

namespace {

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

RoleSet CompiledPolicy::ResolveGuest() const {
  RoleSet rs;
  rs.kind_ = RoleSet::Kind::kRoles;
  rs.names_ = {"any", "guests"};
  rs.ids_ = {bundle_internal::kRoleAny, bundle_internal::kRoleGuests};
  return rs;
}

absl::StatusOr<RoleSet> CompiledPolicy::ResolveUser(
    const UserFacts& user) const {
  const Impl& im = *impl_;
  if (!IsValidId(user.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid user id `", user.id,
                     "`: 1-36 of A-Z a-z 0-9 . - _, not starting with . - _"));
  }
  for (const TeamMembership& m : user.teams) {
    if (!IsValidId(m.team)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid team id `", m.team, "`"));
    }
    if (!IsValidId(m.membership)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid membership id `", m.membership, "`"));
    }
    for (const std::string& r : m.roles) {
      if (!IsValidTeamRole(r)) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid team role `", r, "`"));
      }
    }
  }
  for (const std::string& label : user.labels) {
    if (!IsValidLabel(label)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label `", label, "`"));
    }
  }
  for (const std::string& role : user.roles) {
    if (!IsValidCustomRoleName(role)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid custom role name `", role, "`"));
    }
  }
  std::vector<std::string> names;
  const char* dim = user.verified ? "verified" : "unverified";
  names.push_back("any");
  names.push_back("users");
  names.push_back(absl::StrCat("user:", user.id));
  names.push_back(absl::StrCat("user:", user.id, "/", dim));
  names.push_back(absl::StrCat("users/", dim));
  for (const TeamMembership& m : user.teams) {
    if (!m.confirmed) continue;
    names.push_back(absl::StrCat("team:", m.team));
    names.push_back(absl::StrCat("member:", m.membership));
    for (const std::string& r : m.roles) {
      names.push_back(absl::StrCat("team:", m.team, "/", r));
    }
  }
  for (const std::string& label : user.labels) {
    names.push_back(absl::StrCat("label:", label));
  }
  for (const std::string& role : user.roles) {
    std::string name = absl::StrCat("role:", role);
    const uint32_t id = im.LookupString(name);
    names.push_back(std::move(name));
    if (id >= im.role_count) continue;
    const auto* hr = im.hierarchy_roles;
    auto it = std::lower_bound(hr->begin(), hr->end(), id);
    if (it == hr->end() || *it != id) continue;
    const uint32_t k = static_cast<uint32_t>(it - hr->begin());
    for (uint32_t j = im.hierarchy_offsets->Get(k);
         j < im.hierarchy_offsets->Get(k + 1); ++j) {
      names.push_back(std::string(im.String(im.hierarchy_ancestors->Get(j))));
    }
  }
  SortUnique(&names);
  RoleSet rs;
  rs.kind_ = RoleSet::Kind::kRoles;
  for (const std::string& name : names) {
    const uint32_t id = im.LookupString(name);
    if (id < im.role_count) rs.ids_.push_back(id);
  }
  std::sort(rs.ids_.begin(), rs.ids_.end());
  rs.names_ = std::move(names);
  rs.user_ids_ = {user.id};
  return rs;
}

absl::StatusOr<RoleSet> CompiledPolicy::ResolveRoles(
    absl::Span<const Role> roles) const {
  const Impl& im = *impl_;
  RoleSet rs;
  rs.kind_ = RoleSet::Kind::kRoles;
  for (const Role& role : roles) {
    if (role.attribute) {
      return absl::InvalidArgumentError(absl::StrCat(
          "`", role.ToString(),
          "` is not a role on its own: `$ATTR` roles only appear in rules"));
    }
    rs.names_.push_back(role.ToString());
    if (role.kind == RoleKind::kUser && role.dimension.empty()) {
      rs.user_ids_.push_back(role.id);
    }
  }
  SortUnique(&rs.names_);
  SortUnique(&rs.user_ids_);
  for (const std::string& name : rs.names_) {
    const uint32_t id = im.LookupString(name);
    if (id < im.role_count) rs.ids_.push_back(id);
  }
  std::sort(rs.ids_.begin(), rs.ids_.end());
  return rs;
}

absl::StatusOr<RoleSet> CompiledPolicy::ResolveApiKey(
    const ApiKeyFacts& key) const {
  RoleSet rs;
  rs.kind_ = RoleSet::Kind::kApiKey;
  for (const std::string& scope : key.scopes) {
    absl::StatusOr<std::string> normalised = NormalizeScope(scope);
    if (!normalised.ok()) return normalised.status();
    rs.scopes_.push_back(*std::move(normalised));
  }
  rs.key_id_ = key.id;
  return rs;
}

absl::StatusOr<RoleSet> CompiledPolicy::Resolve(
    const PrincipalSpec& spec) const {
  switch (spec.kind) {
    case PrincipalKind::kGuest:
      return ResolveGuest();
    case PrincipalKind::kUser:
      return ResolveUser(spec.user);
    case PrincipalKind::kRoleSet:
      return ResolveRoles(spec.role_set);
    case PrincipalKind::kApiKey:
      return ResolveApiKey(spec.api_key);
    case PrincipalKind::kKey:
    case PrincipalKind::kJwt:
      return absl::FailedPreconditionError(
          "this principal needs a credential verifier (key store or JWKS)");
  }
  return absl::InvalidArgumentError("unknown principal kind");
}

// --- Counts ----------------------------------------------------------------

uint64_t CompiledPolicy::content_hash() const {
  return impl_->root->content_hash();
}
size_t CompiledPolicy::rule_count() const { return impl_->rules->size(); }
size_t CompiledPolicy::resource_count() const { return impl_->resource_count; }
size_t CompiledPolicy::acl_entry_count() const {
  return static_cast<size_t>(impl_->root->acl_written_entries());
}
size_t CompiledPolicy::role_count() const { return impl_->role_count; }
size_t CompiledPolicy::bundle_bytes() const { return impl_->bytes.size(); }

}  // namespace warden
