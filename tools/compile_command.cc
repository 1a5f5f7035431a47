// `warden compile ... -o BUNDLE`: compiles policy inputs into a bundle file,
// written atomically, and prints its counts and content hash.

#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/compiled_policy.h"
#include "nlohmann/json.hpp"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

using ::nlohmann::ordered_json;

struct CompileCommandOptions {
  PolicySources sources;
  std::string output;
  bool json = false;
};

int RunCompile(const CompileCommandOptions& options) {
  absl::StatusOr<std::string> bundle = CompilePolicySources(options.sources);
  if (!bundle.ok()) return ReportError(bundle.status());

  // Load what is about to be written: it verifies the bundle and gives the
  // counts.
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(*bundle);
  if (!loaded.ok()) {
    return ReportError(absl::InternalError(absl::StrCat(
        "the compiled bundle does not load: ", loaded.status().message())));
  }
  const CompiledPolicy& policy = **loaded;

  if (absl::Status status = WriteFileAtomically(options.output, *bundle);
      !status.ok()) {
    return ReportError(status);
  }

  std::string hash = absl::StrFormat("%016x", policy.content_hash());
  if (options.json) {
    ordered_json out = ordered_json::object();
    out["bundle"] = options.output;
    out["rules"] = policy.rule_count();
    out["resources"] = policy.resource_count();
    out["entries"] = policy.acl_entry_count();
    out["roles"] = policy.role_count();
    out["bytes"] = policy.bundle_bytes();
    out["content_hash"] = hash;
    std::cout << JsonLine(out) << "\n";
  } else {
    std::cout << "wrote " << options.output << ": " << policy.rule_count()
              << " rules, " << policy.resource_count() << " resources, "
              << policy.acl_entry_count() << " entries, " << policy.role_count()
              << " roles, " << policy.bundle_bytes() << " bytes, content hash "
              << hash << "\n";
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace

Command AddCompileCommand(CLI::App* app) {
  auto options = std::make_shared<CompileCommandOptions>();
  CLI::App* command = app->add_subcommand(
      "compile", "Compile policy inputs into a bundle file");
  AddPolicySourceOptions(command, &options->sources, /*allow_bundle=*/false);
  command
      ->add_option("-o,--output", options->output,
                   "the bundle file to write (atomically)")
      ->required()
      ->type_name("BUNDLE");
  command->add_flag("--json", options->json, "print the counts as JSON");
  return Command{command, [options] { return RunCompile(*options); }};
}

}  // namespace warden::cli_internal
