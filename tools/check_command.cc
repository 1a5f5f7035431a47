// `warden check`: one decision for one principal, resource and action.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/compiled_policy.h"
#include "engine/decision.h"
#include "parser/json/principal.h"
#include "parser/resource.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

struct CheckCommandOptions {
  PolicySources sources;
  std::string principal;
  std::string resource;
  std::string action;
  std::string attributes;  // JSON object; empty when not given
  bool explain = false;
  bool json = false;
};

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::InvalidArgumentError(
      absl::StrCat(prefix, ": ", status.message()));
}

int RunCheck(const CheckCommandOptions& options) {
  // The request first: it is cheap to check and needs no policy.
  if (options.principal.size() > kMaxJsonArgumentBytes) {
    return ReportError(absl::InvalidArgumentError("principal is too large"));
  }
  absl::StatusOr<PrincipalSpec> spec =
      ParsePrincipalArgument(options.principal);
  if (!spec.ok()) return ReportError(spec.status());

  absl::StatusOr<std::string> resource =
      NormalizeResourcePath(options.resource);
  if (!resource.ok())
    return ReportError(Prefixed("resource", resource.status()));
  if (absl::Status status =
          CompiledPolicy::ValidateRequest(*resource, options.action);
      !status.ok()) {
    return ReportError(Prefixed("request", status));
  }

  std::vector<Attribute> attributes;
  if (!options.attributes.empty()) {
    if (options.attributes.size() > kMaxJsonArgumentBytes) {
      return ReportError(
          absl::InvalidArgumentError("attributes are too large"));
    }
    absl::StatusOr<std::vector<Attribute>> parsed =
        ParseAttributesJson(options.attributes);
    if (!parsed.ok())
      return ReportError(Prefixed("attributes", parsed.status()));
    attributes = *std::move(parsed);
  }
  std::vector<AttributeView> views;
  views.reserve(attributes.size());
  for (const Attribute& attribute : attributes) {
    views.push_back(AttributeView{attribute.name, attribute.value});
  }

  absl::StatusOr<std::unique_ptr<CompiledPolicy>> policy =
      LoadPolicy(options.sources);
  if (!policy.ok()) return ReportError(policy.status());

  absl::StatusOr<RoleSet> principal = (*policy)->Resolve(*spec);
  if (!principal.ok()) {
    return ReportError(Prefixed("principal", principal.status()));
  }

  const RequestRef request{*resource, options.action};
  Decision decision;
  if (options.explain) {
    Explanation explanation =
        (*policy)->Explain(*principal, *resource, options.action, views);
    decision = explanation.decision;
    std::cout << (options.json ? JsonLine(ExplanationJson(**policy, *principal,
                                                          explanation, request))
                               : ExplanationText(**policy, *principal,
                                                 explanation, request))
              << "\n";
  } else {
    decision = (*policy)->Check(*principal, *resource, options.action, views);
    std::cout << (options.json
                      ? JsonLine(DecisionJson(**policy, *principal, decision,
                                              request))
                      : DecisionText(**policy, *principal, decision, request))
              << "\n";
  }
  std::cout.flush();
  if (decision.allowed) return kExitOk;
  if (decision.reason == Reason::kInvalidRequest) return kExitInvalidInput;
  return kExitDenied;
}

}  // namespace

Command AddCheckCommand(CLI::App* app) {
  auto options = std::make_shared<CheckCommandOptions>();
  CLI::App* command = app->add_subcommand(
      "check",
      "Decide one request (exit 0 allowed, 2 denied, 3 invalid input)");
  AddPolicySourceOptions(command, &options->sources, /*allow_bundle=*/true);
  command
      ->add_option("--principal", options->principal,
                   "the principal as JSON, e.g. {\"user\": \"u1\"}")
      ->required()
      ->type_name("JSON");
  command
      ->add_option("--resource", options->resource,
                   "resource path, e.g. databases/d1/collections/c1")
      ->required()
      ->type_name("PATH");
  command
      ->add_option("--action", options->action,
                   "read, create, update, delete or a custom action")
      ->required()
      ->type_name("ACTION");
  command
      ->add_option("--attributes", options->attributes,
                   "resource attributes as a JSON object of strings")
      ->type_name("JSON");
  command->add_flag("--explain", options->explain,
                    "also print the role set and every grant considered");
  command->add_flag("--json", options->json, "print one JSON object");
  return Command{command, [options] { return RunCheck(*options); }};
}

}  // namespace warden::cli_internal
