// The `warden` subcommands. Each Add*Command registers its flags on the
// top-level app and returns how to run it once the command line is parsed.
#ifndef WARDEN_TOOLS_COMMANDS_H_
#define WARDEN_TOOLS_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"

namespace warden::cli_internal {

struct Command {
  CLI::App* app = nullptr;   // the subcommand, owned by the top-level app
  std::function<int()> run;  // returns the process exit code
};

Command AddParseCommand(CLI::App* app);    // parse_command.cc
Command AddCheckCommand(CLI::App* app);    // check_command.cc
Command AddEvalCommand(CLI::App* app);     // eval_command.cc
Command AddCompileCommand(CLI::App* app);  // compile_command.cc
Command AddFmtCommand(CLI::App* app);      // fmt_command.cc
Command AddLintCommand(CLI::App* app);     // lint_command.cc

}  // namespace warden::cli_internal

#endif  // WARDEN_TOOLS_COMMANDS_H_
