// ImportAppwriteProject on arbitrary bytes. Invariants: every diagnostic has
// a location (line >= 1, column >= 1) and a one-line message; imported
// entries parse back; and no text from a field that can hold a secret (a key
// named like `secret`, `password`, `token`, `apiKey`, or anything under
// `vars`/`env`/`variables`) appears in a diagnostic (message or source line),
// a resource path, an entry or a rule, unless that text also appears in a
// field the importer reads (or could be made of one).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"

namespace warden {
namespace {

constexpr absl::string_view kFileName = "appwrite.json";
// Shorter values are too likely to occur in messages by chance.
constexpr size_t kMinSecretBytes = 12;

bool IsSecretKey(absl::string_view key) {
  const std::string lower = absl::AsciiStrToLower(key);
  for (absl::string_view word :
       {"secret", "password", "token", "apikey", "api_key", "credential",
        "private", "vars", "variables", "env"}) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

// Collects string values under secret keys (`secrets`) and every other
// string and key (`public_text`, joined).
void Walk(const nlohmann::json& node, bool in_secret,
          std::vector<std::string>* secrets, std::string* public_text) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      public_text->append(it.key());
      public_text->push_back('\n');
      Walk(it.value(), in_secret || IsSecretKey(it.key()), secrets,
           public_text);
    }
  } else if (node.is_array()) {
    for (const auto& item : node) Walk(item, in_secret, secrets, public_text);
  } else if (node.is_string()) {
    const std::string& s = node.get_ref<const std::string&>();
    if (in_secret) {
      secrets->push_back(s);
    } else {
      public_text->append(s);
      public_text->push_back('\n');
    }
  } else if (!node.is_null()) {
    public_text->append(node.dump());
    public_text->push_back('\n');
  }
}

bool HasDigit(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

void CheckNoLeak(absl::string_view secret, absl::string_view where,
                 absl::string_view output) {
  if (absl::StrContains(output, secret)) {
    std::fprintf(stderr, "secret `%.*s` leaked into %.*s: %.*s\n",
                 static_cast<int>(secret.size()), secret.data(),
                 static_cast<int>(where.size()), where.data(),
                 static_cast<int>(output.size()), output.data());
    std::abort();
  }
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using warden::kFileName;
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  warden::AclParseResult result =
      warden::ImportAppwriteProject(text, kFileName);

  for (const warden::Diagnostic& d : result.diagnostics) {
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
  for (const warden::ResourceAcl& r : result.data.resources) {
    WARDEN_FUZZ_CHECK(!r.resource.empty());
    for (const warden::AclEntry& e : r.entries) {
      WARDEN_FUZZ_CHECK(warden::ParseAclEntry(e.ToString()).ok());
    }
  }
  for (const warden::Rule& rule : result.data.rules) {
    WARDEN_FUZZ_CHECK(!rule.roles.empty());
  }

  // Secrets: only when the text is JSON that nlohmann reads the same way.
  const nlohmann::json doc =
      nlohmann::json::parse(text.begin(), text.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  std::vector<std::string> secrets;
  std::string public_text(kFileName);
  public_text.push_back('\n');
  warden::Walk(doc, false, &secrets, &public_text);
  for (const std::string& secret : secrets) {
    if (secret.size() < warden::kMinSecretBytes) continue;
    if (!warden::HasDigit(secret)) continue;  // could be message wording
    if (absl::StrContains(public_text, secret)) continue;
    for (const warden::Diagnostic& d : result.diagnostics) {
      warden::CheckNoLeak(secret, "a diagnostic", d.message);
      warden::CheckNoLeak(secret, "a source line", d.source_line);
    }
    for (const warden::ResourceAcl& r : result.data.resources) {
      warden::CheckNoLeak(secret, "a resource", r.resource);
      for (const warden::AclEntry& e : r.entries) {
        warden::CheckNoLeak(secret, "an entry", e.ToString());
      }
    }
    for (const warden::Rule& rule : result.data.rules) {
      warden::CheckNoLeak(secret, "a rule", rule.ToString());
    }
  }
  return 0;
}
