#include "parser/action.h"

#include "absl/strings/string_view.h"

namespace warden {

bool IsLowerIdentifier(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  if (text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsBuiltinAction(absl::string_view action) {
  return action == "read" || action == "create" || action == "update" ||
         action == "delete";
}

bool IsRequestAction(absl::string_view action) {
  if (action == "write") return false;
  return IsLowerIdentifier(action);
}

}  // namespace warden
