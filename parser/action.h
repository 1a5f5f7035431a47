// Actions (LANGUAGE.md §2).
#ifndef WARDEN_PARSER_ACTION_H_
#define WARDEN_PARSER_ACTION_H_

#include "absl/strings/string_view.h"

namespace warden {

// `[a-z][a-z0-9_]{0,63}`: the rule for custom actions and resource type names.
bool IsLowerIdentifier(absl::string_view text);

// True for `read`, `create`, `update`, `delete`.
bool IsBuiltinAction(absl::string_view action);

// True if `action` may be asked for in a request: a built-in action or a
// custom action (lower identifier); false for `write`, `*` and anything else.
bool IsRequestAction(absl::string_view action);

}  // namespace warden

#endif  // WARDEN_PARSER_ACTION_H_
