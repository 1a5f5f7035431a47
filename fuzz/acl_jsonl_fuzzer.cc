// ParseAclJsonLines on arbitrary bytes. Invariants: every diagnostic has a
// location (line >= 1, column >= 1) in the file and a one-line message; a
// file without errors has at most 100 entries per resource, entries that
// parse back in their resource's scope, and prints (as JSON Lines again) to
// a file that parses to the same data.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"

namespace warden {
namespace {

constexpr absl::string_view kFileName = "fuzz.jsonl";

void CheckDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.location.line < 1 || d.location.column < 1) {
      std::fprintf(stderr, "diagnostic without a location: %s\n",
                   d.ToString().c_str());
    }
    WARDEN_FUZZ_CHECK(d.location.line >= 1);
    WARDEN_FUZZ_CHECK(d.location.column >= 1);
    WARDEN_FUZZ_CHECK(d.location.file == kFileName);
    WARDEN_FUZZ_CHECK(!d.message.empty());
    WARDEN_FUZZ_CHECK(d.message.find('\n') == std::string::npos);
  }
}

bool IsLeaf(absl::string_view path) {
  // A leaf is a document or a file: the last kind of the path.
  const size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos || slash == 0) return false;
  const size_t kind_start = path.rfind('/', slash - 1);
  const absl::string_view kind = path.substr(
      kind_start == absl::string_view::npos ? 0 : kind_start + 1,
      slash - (kind_start == absl::string_view::npos ? 0 : kind_start + 1));
  return kind == "documents" || kind == "files";
}

std::string Print(const AclData& data) {
  std::string out;
  for (const ResourceAcl& r : data.resources) {
    nlohmann::json line = nlohmann::json::object();
    line["resource"] = r.resource;
    nlohmann::json permissions = nlohmann::json::array();
    for (const AclEntry& e : r.entries) permissions.push_back(e.ToString());
    line["permissions"] = permissions;
    if (r.security.has_value()) {
      const bool bucket =
          absl::string_view(r.resource).substr(0, 8) == "buckets/";
      line[bucket ? "fileSecurity" : "documentSecurity"] = *r.security;
    }
    out += line.dump();
    out += '\n';
  }
  return out;
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using warden::kFileName;
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  warden::AclParseResult parsed = warden::ParseAclJsonLines(text, kFileName);
  warden::CheckDiagnostics(parsed.diagnostics);
  if (!parsed.ok()) return 0;

  for (const warden::ResourceAcl& r : parsed.data.resources) {
    WARDEN_FUZZ_CHECK(r.entries.size() <=
                      static_cast<size_t>(warden::kMaxAclEntriesPerResource));
    WARDEN_FUZZ_CHECK(r.location.line >= 1);
    const warden::AclScope scope = warden::IsLeaf(r.resource)
                                       ? warden::AclScope::kLeaf
                                       : warden::AclScope::kContainer;
    for (const warden::AclEntry& e : r.entries) {
      absl::StatusOr<warden::AclEntry> again =
          warden::ParseAclEntry(e.ToString(), scope);
      WARDEN_FUZZ_CHECK(again.ok());
      WARDEN_FUZZ_CHECK(*again == e);
    }
  }

  const std::string printed = warden::Print(parsed.data);
  warden::AclParseResult reparsed =
      warden::ParseAclJsonLines(printed, kFileName);
  WARDEN_FUZZ_CHECK(reparsed.ok());
  WARDEN_FUZZ_CHECK(reparsed.data.resources.size() ==
                    parsed.data.resources.size());
  for (size_t i = 0; i < parsed.data.resources.size(); ++i) {
    const warden::ResourceAcl& a = parsed.data.resources[i];
    const warden::ResourceAcl& b = reparsed.data.resources[i];
    WARDEN_FUZZ_CHECK_EQ_STR(b.resource, a.resource);
    WARDEN_FUZZ_CHECK(b.entries == a.entries);
    WARDEN_FUZZ_CHECK(b.security == a.security);
  }
  WARDEN_FUZZ_CHECK_EQ_STR(warden::Print(reparsed.data), printed);
  return 0;
}
