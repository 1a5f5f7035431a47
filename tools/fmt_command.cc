// `warden fmt [--check | -i] FILE...`: prints policy files in canonical form
// (LANGUAGE.md §8), checks that they are, or rewrites them in place.

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "parser/policy.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

struct FmtCommandOptions {
  std::vector<std::string> files;
  bool check = false;
  bool in_place = false;
};

int RunFmt(const FmtCommandOptions& options) {
  if (options.in_place) {
    for (const std::string& file : options.files) {
      if (file == "-") {
        return ReportError(UsageError("`-i` cannot rewrite stdin"));
      }
    }
  }
  const ParseOptions parse_options;
  bool io_error = false;
  bool invalid = false;
  bool would_change = false;
  for (const std::string& file : options.files) {
    std::string name = DisplayName(file);
    absl::StatusOr<std::string> text =
        ReadInput(file, parse_options.max_policy_bytes);
    if (!text.ok()) {
      int code = ReportError(text.status());
      if (code == kExitInvalidInput) {
        invalid = true;
      } else if (code == kExitUsage) {
        return code;
      } else {
        io_error = true;
      }
      continue;
    }
    absl::StatusOr<std::string> formatted =
        FormatPolicy(*text, name, parse_options);
    if (!formatted.ok()) {
      invalid = true;
      PolicyParseResult parsed = ParsePolicy(*text, name, parse_options);
      std::vector<Diagnostic> errors;
      for (Diagnostic& d : parsed.diagnostics) {
        if (d.severity == Severity::kError) errors.push_back(std::move(d));
      }
      if (errors.empty()) {
        ReportError(formatted.status());
      } else {
        PrintDiagnostics(errors);
      }
      continue;
    }
    bool changed = *formatted != *text;
    if (options.check) {
      if (changed) {
        would_change = true;
        std::cerr << name << "\n";
      }
    } else if (options.in_place) {
      if (changed) {
        if (absl::Status status = WriteFileAtomically(file, *formatted);
            !status.ok()) {
          ReportError(status);
          io_error = true;
        }
      }
    } else {
      std::cout << *formatted;
    }
  }
  std::cout.flush();
  if (io_error) return kExitError;
  if (invalid || would_change) return kExitInvalidInput;
  return kExitOk;
}

}  // namespace

Command AddFmtCommand(CLI::App* app) {
  auto options = std::make_shared<FmtCommandOptions>();
  CLI::App* command =
      app->add_subcommand("fmt", "Print policy files in canonical form");
  CLI::Option* check = command->add_flag(
      "--check", options->check,
      "print nothing; name each file that would change (on stderr) and exit "
      "3 if any would");
  command
      ->add_flag("-i,--in-place", options->in_place,
                 "rewrite each file that is not in canonical form (atomically)")
      ->excludes(check);
  command->add_option("files", options->files, "policy files (`-` for stdin)")
      ->required()
      ->type_name("FILE");
  return Command{command, [options] { return RunFmt(*options); }};
}

}  // namespace warden::cli_internal
