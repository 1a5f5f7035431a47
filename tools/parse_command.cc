// `warden parse [--form acl|rule|role] [--json] [STRING...]`: parses each
// string (or each stdin line) as an ACL entry, a rule or a role and prints
// its canonical form and parts (CLI.md).

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

using ::nlohmann::ordered_json;

// Most bytes read from stdin when no strings are given.
constexpr size_t kMaxParseInputBytes = size_t{64} << 20;

enum class Form { kAcl, kRule, kRole };

absl::string_view FormName(Form form) {
  switch (form) {
    case Form::kAcl:
      return "acl";
    case Form::kRule:
      return "rule";
    case Form::kRole:
      return "role";
  }
  return "role";
}

struct ParseCommandOptions {
  std::string form;  // "", "acl", "rule" or "role"
  bool json = false;
  std::vector<std::string> inputs;
};

// The parts of a role as CLI.md names them.
void AddRoleParts(const Role& role, ordered_json* out) {
  (*out)["role"] = std::string(RoleKindName(role.kind));
  (*out)["id"] = role.id;
  (*out)["dimension"] = role.dimension;
}

// The JSON object of a valid input, or the parser's error.
absl::StatusOr<ordered_json> ParseAs(Form form, const std::string& input) {
  ordered_json out = ordered_json::object();
  out["input"] = input;
  out["valid"] = true;
  out["form"] = std::string(FormName(form));
  switch (form) {
    case Form::kAcl: {
      absl::StatusOr<AclEntry> entry = ParseAclEntry(input);
      if (!entry.ok()) return entry.status();
      out["canonical"] = entry->ToString();
      out["action"] = std::string(AclActionName(entry->action));
      AddRoleParts(entry->role, &out);
      return out;
    }
    case Form::kRule: {
      absl::StatusOr<Rule> rule = ParseRule(input);
      if (!rule.ok()) return rule.status();
      out["canonical"] = rule->ToString();
      out["deny"] = rule->deny;
      out["resource"] = rule->resource.ToString();
      out["action"] = rule->action;
      ordered_json roles = ordered_json::array();
      for (const Role& role : rule->roles) roles.push_back(role.ToString());
      out["roles"] = std::move(roles);
      return out;
    }
    case Form::kRole: {
      absl::StatusOr<Role> role = ParseRole(input, RoleSyntax::kStandalone);
      if (!role.ok()) return role.status();
      out["canonical"] = role->ToString();
      AddRoleParts(*role, &out);
      return out;
    }
  }
  return absl::InternalError("unknown form");
}

bool IsRoleKindWord(absl::string_view word) {
  return word == "user" || word == "team" || word == "member" ||
         word == "label" || word == "role";
}

// The form a string that parses as none of them most resembles (CLI.md): an
// ACL entry if it starts with a lower-case word and `(`; a rule if a `:`
// comes before a `(` or `[`; else a role. A string with a `:` and no role
// list at all reads as a role when what precedes the `:` is a role kind
// (`user:`, `team:..`) and as a rule missing its roles otherwise
// (`document:read`).
Form Resembles(absl::string_view text) {
  size_t word = 0;
  while (word < text.size() && text[word] >= 'a' && text[word] <= 'z') ++word;
  if (word > 0 && word < text.size() && text[word] == '(') return Form::kAcl;
  size_t colon = text.find(':');
  size_t open = text.find_first_of("([");
  if (colon == absl::string_view::npos) return Form::kRole;
  if (open != absl::string_view::npos) {
    return colon < open ? Form::kRule : Form::kRole;
  }
  return IsRoleKindWord(text.substr(0, colon)) ? Form::kRole : Form::kRule;
}

struct Outcome {
  bool valid = false;
  ordered_json json;
  std::string text;  // the human-readable line
};

Outcome ParseOne(const std::string& input, std::optional<Form> form) {
  Outcome outcome;
  absl::StatusOr<ordered_json> parsed = absl::UnknownError("not parsed");
  if (form.has_value()) {
    parsed = ParseAs(*form, input);
  } else {
    for (Form candidate : {Form::kAcl, Form::kRule, Form::kRole}) {
      parsed = ParseAs(candidate, input);
      if (parsed.ok()) break;
    }
    if (!parsed.ok()) parsed = ParseAs(Resembles(input), input);
  }
  if (parsed.ok()) {
    outcome.valid = true;
    outcome.text =
        absl::StrCat("ok  ", (*parsed)["form"].get<std::string>(), "  ",
                     (*parsed)["canonical"].get<std::string>());
    outcome.json = *std::move(parsed);
    return outcome;
  }
  const absl::Status& status = parsed.status();
  size_t offset = ErrorOffset(status).value_or(0);
  outcome.json = ordered_json::object();
  outcome.json["input"] = input;
  outcome.json["valid"] = false;
  outcome.json["error"] = ordered_json{
      {"message", std::string(status.message())}, {"offset", offset}};
  outcome.text =
      absl::StrCat("error at offset ", offset, ": ", status.message());
  return outcome;
}

int RunParse(const ParseCommandOptions& options) {
  std::optional<Form> form;
  if (options.form == "acl") form = Form::kAcl;
  if (options.form == "rule") form = Form::kRule;
  if (options.form == "role") form = Form::kRole;

  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) {
    absl::StatusOr<std::string> text = ReadInput("-", kMaxParseInputBytes);
    if (!text.ok()) return ReportError(text.status());
    absl::string_view rest = *text;
    if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
    if (!text->empty()) {
      for (absl::string_view line : absl::StrSplit(rest, '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        inputs.emplace_back(line);
      }
    }
  }

  bool all_valid = true;
  for (const std::string& input : inputs) {
    Outcome outcome = ParseOne(input, form);
    all_valid = all_valid && outcome.valid;
    std::cout << (options.json ? JsonLine(outcome.json) : outcome.text) << "\n";
  }
  std::cout.flush();
  return all_valid ? kExitOk : kExitInvalidInput;
}

}  // namespace

Command AddParseCommand(CLI::App* app) {
  auto options = std::make_shared<ParseCommandOptions>();
  CLI::App* command = app->add_subcommand(
      "parse",
      "Parse ACL entries, rules or roles and print their canonical form");
  command
      ->add_option("--form", options->form,
                   "the form to parse as (default: try acl, rule, role)")
      ->check(CLI::IsMember({"acl", "rule", "role"}))
      ->type_name("acl|rule|role");
  command->add_flag("--json", options->json, "one JSON object per line");
  command
      ->add_option("strings", options->inputs,
                   "strings to parse (default: each line of stdin)")
      ->type_name("STRING");
  return Command{command, [options] { return RunParse(*options); }};
}

}  // namespace warden::cli_internal
