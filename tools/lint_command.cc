// `warden lint FILE...`: every error and warning of a policy (the files form
// one policy), each as `file:line:col: error|warning: message` with the line
// and a caret.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "parser/policy.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

struct LintCommandOptions {
  std::vector<std::string> files;
};

int RunLint(const LintCommandOptions& options) {
  const ParseOptions parse_options;
  std::vector<PolicyFile> files;
  for (const std::string& file : options.files) {
    absl::StatusOr<std::string> text =
        ReadInput(file, parse_options.max_policy_bytes);
    if (!text.ok()) return ReportError(text.status());
    files.push_back(PolicyFile{DisplayName(file), *std::move(text)});
  }
  PolicyParseResult parsed = ParsePolicyFiles(files, parse_options);
  std::vector<Diagnostic> diagnostics = std::move(parsed.diagnostics);
  LintPolicy(parsed.policy, &diagnostics);
  AttachSourceLines(files, &diagnostics);

  // In file order (as given), then line and column.
  auto file_index = [&files](const std::string& name) {
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i].name == name) return i;
    }
    return files.size();
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     return std::make_tuple(file_index(a.location.file),
                                            a.location.line,
                                            a.location.column) <
                            std::make_tuple(file_index(b.location.file),
                                            b.location.line, b.location.column);
                   });
  PrintDiagnostics(diagnostics);
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    ++(d.severity == Severity::kError ? errors : warnings);
  }
  if (errors + warnings > 0) {
    std::cerr << absl::StrFormat("lint: %d error%s, %d warning%s\n", errors,
                                 errors == 1 ? "" : "s", warnings,
                                 warnings == 1 ? "" : "s");
  }
  return errors > 0 ? kExitInvalidInput : kExitOk;
}

}  // namespace

Command AddLintCommand(CLI::App* app) {
  auto options = std::make_shared<LintCommandOptions>();
  CLI::App* command = app->add_subcommand(
      "lint", "Report every error and warning in policy files");
  command
      ->add_option("files", options->files,
                   "policy files, read as one policy (`-` for stdin)")
      ->required()
      ->type_name("FILE");
  return Command{command, [options] { return RunLint(*options); }};
}

}  // namespace warden::cli_internal
