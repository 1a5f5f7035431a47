// What the `warden` subcommands share: exit codes, reading inputs (files or
// stdin) within a size limit, loading policy inputs from
// --policy/--acl/--appwrite/--bundle, printing diagnostics, principal JSON,
// and the JSON and human forms of a decision (CLI.md).
//
// Every function here is for the single-threaded set-up and output phases of
// a command; none is meant to be called from several threads at once.
#ifndef WARDEN_TOOLS_CLI_COMMON_H_
#define WARDEN_TOOLS_CLI_COMMON_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/compiled_policy.h"
#include "engine/decision.h"
#include "nlohmann/json.hpp"
#include "parser/diagnostic.h"
#include "parser/json/principal.h"

namespace warden::cli_internal {

// Process exit codes (CLI.md, as Cedar's CLI).
inline constexpr int kExitOk = 0;            // success, or allowed
inline constexpr int kExitError = 1;         // any other error (I/O, internal)
inline constexpr int kExitDenied = 2;        // a check was denied
inline constexpr int kExitInvalidInput = 3;  // input that does not parse
inline constexpr int kExitUsage = 64;        // bad flags or arguments

// Size limits for what the CLI reads.
inline constexpr size_t kMaxAclDataBytes = size_t{1} << 30;       // 1 GiB
inline constexpr size_t kMaxRequestsBytes = size_t{1} << 30;      // 1 GiB
inline constexpr size_t kMaxJsonArgumentBytes = size_t{1} << 20;  // 1 MiB

// Status codes used by this folder, mapped to exit codes by ExitCodeFor():
// kInvalidArgument, kDataLoss, kResourceExhausted and kOutOfRange mean invalid
// input (3); kFailedPrecondition is reserved for usage problems found after
// the flags were parsed (64); anything else is an error (1).
int ExitCodeFor(const absl::Status& status);

// A usage problem found after flag parsing (exit code 64).
absl::Status UsageError(absl::string_view message);

// Prints `warden: error: MESSAGE` to stderr and returns ExitCodeFor(status).
int ReportError(const absl::Status& status);

// The name a path is shown under: `<stdin>` for "-".
std::string DisplayName(absl::string_view path);

// Reads the whole of `path`, or stdin when `path` is "-" (stdin can be read
// once per process; a second "-" is a usage error). A file larger than
// `max_bytes` is refused with kResourceExhausted; a file that cannot be read
// gives kNotFound or kUnavailable with the system's reason.
absl::StatusOr<std::string> ReadInput(const std::string& path,
                                      size_t max_bytes);

// Replaces `path` with `contents` atomically: writes a temporary file in the
// same directory, fsyncs it, renames it over `path` and fsyncs the directory.
// An existing file's permission bits are kept.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Prints each diagnostic (`file:line:col: error|warning: message`, the line
// and a caret) to stderr.
void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics);

// Where the policy of check/eval/compile comes from.
struct PolicySources {
  std::vector<std::string> policy_files;    // --policy, several form one policy
  std::vector<std::string> acl_files;       // --acl, JSON Lines
  std::vector<std::string> appwrite_files;  // --appwrite, project files
  std::string bundle_file;                  // --bundle (excludes the others)
};

// Adds --policy, --acl, --appwrite and, when `allow_bundle`, --bundle.
void AddPolicySourceOptions(CLI::App* command, PolicySources* sources,
                            bool allow_bundle);

// Parses every source and compiles them into a bundle. Every diagnostic
// (errors and warnings) is printed to stderr; any error gives
// kInvalidArgument. Not for --bundle.
absl::StatusOr<std::string> CompilePolicySources(const PolicySources& sources);

// The compiled policy of `sources`: loaded from --bundle (a bundle that fails
// verification is invalid input), or compiled from the other sources.
absl::StatusOr<std::unique_ptr<CompiledPolicy>> LoadPolicy(
    const PolicySources& sources);

// Serialises one JSON value on one line (no trailing newline). Invalid UTF-8
// in strings is replaced, never an error.
std::string JsonLine(const nlohmann::ordered_json& value);

// Parses `text` as JSON without exceptions. On failure the message gives the
// byte offset and never repeats the text (it may hold a credential).
absl::StatusOr<nlohmann::json> ParseJsonValue(absl::string_view text,
                                              absl::string_view what);

// Refuses principals whose verification this build does not have (`key`,
// `jwt`), with a message that names the kind and never the credential. OK
// for everything else (including values that are not objects, which the
// principal parser rejects).
absl::Status RejectUnsupportedPrincipal(const nlohmann::json& principal);

// The error RejectUnsupportedPrincipal gives for `kind` (kKey or kJwt), for
// callers that already hold a parsed principal.
absl::Status UnsupportedPrincipalError(PrincipalKind kind);

// Parses a principal given as JSON text (CLI.md "Inputs").
absl::StatusOr<PrincipalSpec> ParsePrincipalArgument(absl::string_view text);

// The deciding grant as CLI.md's JSON object, or null when there is none.
nlohmann::ordered_json GrantJson(const GrantInfo& grant);

// The request a decision answers (normalised resource path and action), for
// messages that depend on it, such as the scope an API key is missing.
struct RequestRef {
  absl::string_view resource;
  absl::string_view action;
};

// `{"allowed", "reason", "grant", "generation"}` for one decision, plus
// `"missing_scope"` when an API key lacked the scope.
nlohmann::ordered_json DecisionJson(const CompiledPolicy& policy,
                                    const RoleSet& principal,
                                    const Decision& decision,
                                    RequestRef request);

// DecisionJson plus "roles" and "considered" (check --explain).
nlohmann::ordered_json ExplanationJson(const CompiledPolicy& policy,
                                       const RoleSet& principal,
                                       const Explanation& explanation,
                                       RequestRef request);

// `allowed (REASON): GRANT` / `denied (REASON)`, one line; a missing API
// key scope is named.
std::string DecisionText(const CompiledPolicy& policy, const RoleSet& principal,
                         const Decision& decision, RequestRef request);

// DecisionText, then the role set and every grant considered, one per line.
std::string ExplanationText(const CompiledPolicy& policy,
                            const RoleSet& principal,
                            const Explanation& explanation, RequestRef request);

}  // namespace warden::cli_internal

#endif  // WARDEN_TOOLS_CLI_COMMON_H_
