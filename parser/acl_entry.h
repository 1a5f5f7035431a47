// ACL entries in Appwrite 1.x form (LANGUAGE.md §3, APPWRITE.md §1):
// `ACTION("ROLE")`, exactly.
#ifndef WARDEN_PARSER_ACL_ENTRY_H_
#define WARDEN_PARSER_ACL_ENTRY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "parser/role.h"

namespace warden {

enum class AclAction : uint8_t { kRead, kCreate, kUpdate, kDelete, kWrite };

absl::string_view AclActionName(AclAction action);  // "read", ..., "write"

// One ACL entry as written (`write` is kept; it is expanded when compiled).
struct AclEntry {
  AclAction action = AclAction::kRead;
  Role role;

  // Canonical printing, e.g. `read("team:t1/owner")`.
  std::string ToString() const;

  friend bool operator==(const AclEntry&, const AclEntry&) = default;
};

// What the entry is attached to: containers accept every action; leaves
// (documents, files) refuse `create`, as Appwrite does.
enum class AclScope : uint8_t { kContainer, kLeaf };

// Parses one ACL entry. Strict: anything Appwrite 1.x rejects is rejected
// with Appwrite's message (APPWRITE.md §1, first applicable rule of its
// validation order), and the strings Appwrite accepts only by accident
// (APPWRITE.md §1 "quirks") are rejected with a message of ours. Every error
// carries the byte offset of the first byte at which no valid entry can
// continue (syntax_error.h).
absl::StatusOr<AclEntry> ParseAclEntry(absl::string_view text,
                                       AclScope scope = AclScope::kContainer);

// Most entries on one resource, counted as written (Appwrite's limit).
inline constexpr int kMaxAclEntriesPerResource = 100;

}  // namespace warden

#endif  // WARDEN_PARSER_ACL_ENTRY_H_
