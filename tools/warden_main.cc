// The `warden` command line (CLI.md): parse, check, eval, compile, fmt, lint.

#include <cstdio>
#include <iostream>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/cli_common.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace warden::cli_internal;  // NOLINT(build/namespaces)
  std::ios::sync_with_stdio(false);

  CLI::App app{"Warden: Appwrite-compatible permissions, compiled and checked",
               "warden"};
  app.set_version_flag("--version", "warden " WARDEN_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success or allowed, 2 denied, 3 invalid input, "
      "1 other error, 64 usage error. Files may be `-` for stdin.");

  std::vector<Command> commands = {
      AddParseCommand(&app),   AddCheckCommand(&app), AddEvalCommand(&app),
      AddCompileCommand(&app), AddFmtCommand(&app),   AddLintCommand(&app),
  };

  // CLI11 reports parse errors (and --help / --version) by exception; this is
  // the one place they are caught.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, std::cout, std::cerr);
    return code == 0 ? kExitOk : kExitUsage;
  }

  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    int code = command.run();
    // Output that could not be written (a full disk, a closed pipe) is an
    // error, never a silent success.
    std::cout.flush();
    if (std::cout.fail() || std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::cerr << "warden: error: cannot write to standard output\n";
      return kExitError;
    }
    return code;
  }
  return kExitUsage;
}
