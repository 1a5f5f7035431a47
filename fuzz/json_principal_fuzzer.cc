// ParsePrincipalJson, ParseRequestJson and ParseAttributesJson on arbitrary
// bytes. Invariants: refusals are kInvalidArgument with a one-line message;
// a parsed principal's role set is canonical (each role's spelling parses
// back, standalone, to the same role) and its API key scopes are normalised;
// a parsed request has a request action (never `write` or `*`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "parser/json/principal.h"
#include "parser/role.h"

namespace warden {
namespace {

void CheckRefusal(const absl::Status& status) {
  WARDEN_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  WARDEN_FUZZ_CHECK(!status.message().empty());
  WARDEN_FUZZ_CHECK(status.message().find('\n') == absl::string_view::npos);
}

void CheckPrincipal(const PrincipalSpec& spec) {
  for (const Role& role : spec.role_set) {
    WARDEN_FUZZ_CHECK(!role.attribute);
    absl::StatusOr<Role> again =
        ParseRole(role.ToString(), RoleSyntax::kStandalone);
    WARDEN_FUZZ_CHECK(again.ok());
    WARDEN_FUZZ_CHECK(*again == role);
  }
  if (spec.kind == PrincipalKind::kApiKey) {
    for (const std::string& scope : spec.api_key.scopes) {
      absl::StatusOr<std::string> normalised = NormalizeScope(scope);
      WARDEN_FUZZ_CHECK(normalised.ok());
      WARDEN_FUZZ_CHECK_EQ_STR(*normalised, scope);
    }
  }
  if (spec.kind == PrincipalKind::kUser) {
    WARDEN_FUZZ_CHECK(IsValidId(spec.user.id));
    for (const std::string& label : spec.user.labels) {
      WARDEN_FUZZ_CHECK(IsValidLabel(label));
    }
  }
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<warden::PrincipalSpec> principal =
      warden::ParsePrincipalJson(text);
  if (principal.ok()) {
    warden::CheckPrincipal(*principal);
  } else {
    warden::CheckRefusal(principal.status());
  }

  absl::StatusOr<warden::RequestSpec> request = warden::ParseRequestJson(text);
  if (request.ok()) {
    warden::CheckPrincipal(request->principal);
    WARDEN_FUZZ_CHECK(request->action != "write");
    WARDEN_FUZZ_CHECK(request->action != "*");
    WARDEN_FUZZ_CHECK(!request->action.empty());
    WARDEN_FUZZ_CHECK(!request->resource.empty());
  } else {
    warden::CheckRefusal(request.status());
  }

  absl::StatusOr<std::vector<warden::Attribute>> attributes =
      warden::ParseAttributesJson(text);
  if (!attributes.ok()) warden::CheckRefusal(attributes.status());

  absl::StatusOr<std::string> scope = warden::NormalizeScope(text);
  if (scope.ok()) {
    absl::StatusOr<std::string> again = warden::NormalizeScope(*scope);
    WARDEN_FUZZ_CHECK(again.ok());
    WARDEN_FUZZ_CHECK_EQ_STR(*again, *scope);
  }
  return 0;
}
