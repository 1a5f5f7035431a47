#include "tools/cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "nlohmann/json.hpp"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/parse_options.h"
#include "parser/policy.h"
#include "parser/resource.h"

namespace warden::cli_internal {
namespace {

using ::nlohmann::json;
using ::nlohmann::ordered_json;

// The policy generation reported with every decision. The CLI checks one
// fixed policy, so it is always 0 (engines that hot-swap policies count up).
constexpr uint64_t kGeneration = 0;

// Set once stdin has been consumed by ReadInput("-").
bool stdin_consumed = false;

std::string ErrnoText(int error) { return std::strerror(error); }

absl::Status IoError(absl::string_view what, const std::string& path,
                     int error) {
  std::string message = absl::StrCat("cannot ", what, " `", DisplayName(path),
                                     "`: ", ErrnoText(error));
  if (error == ENOENT || error == ENOTDIR) {
    return absl::NotFoundError(message);
  }
  return absl::UnavailableError(message);
}

absl::Status TooLarge(const std::string& path, size_t max_bytes) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "`", DisplayName(path), "` is larger than ", max_bytes, " bytes"));
}

// Reads everything from `fd` into `out`, refusing more than `max_bytes`.
absl::Status ReadAll(int fd, const std::string& path, size_t max_bytes,
                     std::string* out) {
  char buffer[1 << 16];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (n == 0) return absl::OkStatus();
    if (out->size() + static_cast<size_t>(n) > max_bytes) {
      return TooLarge(path, max_bytes);
    }
    out->append(buffer, static_cast<size_t>(n));
  }
}

absl::Status WriteAll(int fd, const std::string& path,
                      absl::string_view contents) {
  while (!contents.empty()) {
    ssize_t n = write(fd, contents.data(), contents.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

size_t CountErrors(const std::vector<Diagnostic>& diagnostics) {
  size_t errors = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) ++errors;
  }
  return errors;
}

std::string Plural(size_t n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

// A SAX handler that accepts everything and records where parsing failed.
struct ErrorPositionSax {
  size_t position = 0;

  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) {
    return true;
  }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t at, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) {
    // `at` counts characters read, the failing one included.
    position = at > 0 ? at - 1 : 0;
    return false;
  }
};

}  // namespace

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalidInput;
    case absl::StatusCode::kFailedPrecondition:
      return kExitUsage;
    default:
      return kExitError;
  }
}

absl::Status UsageError(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}

int ReportError(const absl::Status& status) {
  std::cerr << "warden: error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

std::string DisplayName(absl::string_view path) {
  return path == "-" ? std::string("<stdin>") : std::string(path);
}

absl::StatusOr<std::string> ReadInput(const std::string& path,
                                      size_t max_bytes) {
  std::string contents;
  if (path == "-") {
    if (stdin_consumed) {
      return UsageError("stdin (`-`) can be read only once");
    }
    stdin_consumed = true;
    absl::Status status = ReadAll(STDIN_FILENO, path, max_bytes, &contents);
    if (!status.ok()) return status;
    return contents;
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("open", path, errno);
  struct stat info;
  absl::Status status;
  if (fstat(fd, &info) != 0) {
    status = IoError("stat", path, errno);
  } else if (S_ISDIR(info.st_mode)) {
    status = IoError("read", path, EISDIR);
  } else if (S_ISREG(info.st_mode) &&
             static_cast<uint64_t>(info.st_size) > max_bytes) {
    status = TooLarge(path, max_bytes);
  } else {
    if (S_ISREG(info.st_mode)) {
      contents.reserve(static_cast<size_t>(info.st_size));
    }
    status = ReadAll(fd, path, max_bytes, &contents);
  }
  close(fd);
  if (!status.ok()) return status;
  return contents;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  if (path.empty() || path == "-") {
    return UsageError("an output file name is required (not `-`)");
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? std::string(".")
                    : slash == 0               ? std::string("/")
                                               : path.substr(0, slash);

  // Keep an existing file's permission bits; new files get 0666 & ~umask.
  // The rename below replaces the directory entry, so an existing entry that
  // is not a regular file (a symlink, a FIFO, a device) is refused rather
  // than silently replaced.
  mode_t mode;
  struct stat info;
  if (lstat(path.c_str(), &info) == 0) {
    if (!S_ISREG(info.st_mode)) {
      // An I/O refusal like IoError's (exit 1), not a usage error.
      return absl::UnavailableError(absl::StrCat(
          "cannot write `", DisplayName(path),
          "`: it exists and is not a regular file (a symlink, FIFO or "
          "device); give a regular file or a new name"));
    }
    mode = info.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }

  std::string temp = path + ".tmp.XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return IoError("create a temporary file beside", path, errno);
  absl::Status status;
  if (fchmod(fd, mode) != 0) {
    status = IoError("set the mode of", temp, errno);
  }
  if (status.ok()) status = WriteAll(fd, temp, contents);
  if (status.ok() && fsync(fd) != 0) status = IoError("sync", temp, errno);
  if (close(fd) != 0 && status.ok()) status = IoError("close", temp, errno);
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError("rename a temporary file to", path, errno);
  }
  if (!status.ok()) {
    unlink(temp.c_str());
    return status;
  }
  // Make the rename itself durable.
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    int sync_result = fsync(dir_fd);
    int sync_errno = errno;
    close(dir_fd);
    if (sync_result != 0 && sync_errno != EINVAL) {
      return IoError("sync the directory of", path, sync_errno);
    }
  }
  return absl::OkStatus();
}

void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    std::cerr << d.ToString() << "\n";
  }
}

void AddPolicySourceOptions(CLI::App* command, PolicySources* sources,
                            bool allow_bundle) {
  CLI::Option* policy =
      command
          ->add_option("--policy", sources->policy_files,
                       "policy file (*.warden); repeat to give several files "
                       "that form one policy")
          ->type_name("FILE");
  CLI::Option* acl =
      command
          ->add_option("--acl", sources->acl_files,
                       "ACL data, JSON Lines, one resource per line")
          ->type_name("FILE");
  CLI::Option* appwrite =
      command
          ->add_option("--appwrite", sources->appwrite_files,
                       "Appwrite project file (appwrite.json)")
          ->type_name("FILE");
  if (allow_bundle) {
    command
        ->add_option("--bundle", sources->bundle_file,
                     "compiled bundle (from `warden compile`)")
        ->type_name("FILE")
        ->excludes(policy)
        ->excludes(acl)
        ->excludes(appwrite);
  }
}

absl::StatusOr<std::string> CompilePolicySources(const PolicySources& sources) {
  if (sources.policy_files.empty() && sources.acl_files.empty() &&
      sources.appwrite_files.empty()) {
    return UsageError(
        "no policy given: use --policy, --acl or --appwrite (or --bundle)");
  }
  const ParseOptions parse_options;
  std::vector<Diagnostic> diagnostics;

  Policy policy;
  if (!sources.policy_files.empty()) {
    std::vector<PolicyFile> files;
    for (const std::string& path : sources.policy_files) {
      absl::StatusOr<std::string> text =
          ReadInput(path, parse_options.max_policy_bytes);
      if (!text.ok()) return text.status();
      files.push_back(PolicyFile{DisplayName(path), *std::move(text)});
    }
    PolicyParseResult parsed = ParsePolicyFiles(files, parse_options);
    policy = std::move(parsed.policy);
    diagnostics = std::move(parsed.diagnostics);
  }

  AclData acl;
  auto add_acl = [&](AclParseResult result) {
    acl.Append(std::move(result.data));
    diagnostics.insert(diagnostics.end(),
                       std::make_move_iterator(result.diagnostics.begin()),
                       std::make_move_iterator(result.diagnostics.end()));
  };
  for (const std::string& path : sources.acl_files) {
    absl::StatusOr<std::string> text = ReadInput(path, kMaxAclDataBytes);
    if (!text.ok()) return text.status();
    add_acl(ParseAclJsonLines(*text, DisplayName(path)));
  }
  for (const std::string& path : sources.appwrite_files) {
    absl::StatusOr<std::string> text = ReadInput(path, kMaxAclDataBytes);
    if (!text.ok()) return text.status();
    add_acl(ImportAppwriteProject(*text, DisplayName(path)));
  }

  PrintDiagnostics(diagnostics);
  if (size_t errors = CountErrors(diagnostics); errors > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the policy inputs have ", Plural(errors, "error")));
  }

  CompileResult compiled = CompileBundle(policy, acl);
  PrintDiagnostics(compiled.diagnostics);
  if (size_t errors = CountErrors(compiled.diagnostics); errors > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the policy does not compile: ", Plural(errors, "error")));
  }
  if (compiled.bundle.empty()) {
    return absl::InternalError("the compiler produced an empty bundle");
  }
  return std::move(compiled.bundle);
}

absl::StatusOr<std::unique_ptr<CompiledPolicy>> LoadPolicy(
    const PolicySources& sources) {
  const LoadOptions load_options;
  if (!sources.bundle_file.empty()) {
    absl::StatusOr<std::string> bytes =
        ReadInput(sources.bundle_file, load_options.max_bundle_bytes);
    if (!bytes.ok()) return bytes.status();
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        CompiledPolicy::Load(*std::move(bytes), load_options);
    if (!loaded.ok()) {
      absl::Status status = loaded.status();
      if (status.code() == absl::StatusCode::kInvalidArgument ||
          status.code() == absl::StatusCode::kDataLoss) {
        return absl::Status(
            status.code(),
            absl::StrCat("`", DisplayName(sources.bundle_file),
                         "` is not a valid bundle: ", status.message()));
      }
      return status;
    }
    return loaded;
  }
  absl::StatusOr<std::string> bundle = CompilePolicySources(sources);
  if (!bundle.ok()) return bundle.status();
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(*std::move(bundle), load_options);
  if (!loaded.ok()) {
    // Our own compiler's output must load: this is not the user's input.
    return absl::InternalError(absl::StrCat(
        "the compiled bundle does not load: ", loaded.status().message()));
  }
  return loaded;
}

std::string JsonLine(const ordered_json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false,
                    ordered_json::error_handler_t::replace);
}

absl::StatusOr<json> ParseJsonValue(absl::string_view text,
                                    absl::string_view what) {
  json value = json::parse(text.begin(), text.end(), nullptr,
                           /*allow_exceptions=*/false);
  if (!value.is_discarded()) return value;
  ErrorPositionSax sax;
  json::sax_parse(text.begin(), text.end(), &sax);
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": malformed JSON at byte ", sax.position));
}

absl::Status UnsupportedPrincipalError(PrincipalKind kind) {
  if (kind == PrincipalKind::kJwt) {
    return absl::InvalidArgumentError(
        "principal kind `jwt` is not supported yet: this build cannot verify "
        "tokens (give the user's facts as `user` instead)");
  }
  return absl::InvalidArgumentError(
      "principal kind `key` is not supported yet: verifying API keys needs "
      "a key store, which this build does not have (give an already "
      "verified key as `apiKey`)");
}

absl::Status RejectUnsupportedPrincipal(const json& principal) {
  if (!principal.is_object()) return absl::OkStatus();
  if (principal.contains("key")) {
    return UnsupportedPrincipalError(PrincipalKind::kKey);
  }
  if (principal.contains("jwt")) {
    return UnsupportedPrincipalError(PrincipalKind::kJwt);
  }
  return absl::OkStatus();
}

absl::StatusOr<PrincipalSpec> ParsePrincipalArgument(absl::string_view text) {
  absl::StatusOr<json> value = ParseJsonValue(text, "principal");
  if (!value.ok()) return value.status();
  if (absl::Status status = RejectUnsupportedPrincipal(*value); !status.ok()) {
    return status;
  }
  absl::StatusOr<PrincipalSpec> spec = ParsePrincipalJson(text);
  if (!spec.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal: ", spec.status().message()));
  }
  if (spec->kind == PrincipalKind::kKey || spec->kind == PrincipalKind::kJwt) {
    // Unreachable after RejectUnsupportedPrincipal; kept to fail closed.
    return UnsupportedPrincipalError(spec->kind);
  }
  return spec;
}

ordered_json GrantJson(const GrantInfo& grant) {
  switch (grant.kind) {
    case GrantKind::kRule:
      return ordered_json{{"kind", "rule"},
                          {"rule", grant.text},
                          {"file", grant.file},
                          {"line", grant.line}};
    case GrantKind::kAcl:
      return ordered_json{{"kind", "acl"},
                          {"resource", grant.resource},
                          {"index", grant.entry},
                          {"entry", grant.text}};
    case GrantKind::kScope:
      return ordered_json{{"kind", "scope"}, {"scope", grant.text}};
    case GrantKind::kNone:
      break;
  }
  return ordered_json(nullptr);
}

namespace {

// The scope an API key lacked, or "" when the decision is not a missing scope.
std::string MissingScope(const Decision& decision, RequestRef request) {
  if (decision.reason != Reason::kScopeMissing) return "";
  return RequiredScope(ResourceType(request.resource), request.action);
}

}  // namespace

ordered_json DecisionJson(const CompiledPolicy& policy,
                          const RoleSet& principal, const Decision& decision,
                          RequestRef request) {
  ordered_json out = ordered_json::object();
  out["allowed"] = decision.allowed;
  out["reason"] = std::string(ReasonName(decision.reason));
  out["grant"] = GrantJson(policy.GetGrantInfo(principal, decision));
  out["generation"] = kGeneration;
  if (decision.reason == Reason::kScopeMissing) {
    const std::string scope = MissingScope(decision, request);
    out["missing_scope"] =
        scope.empty() ? ordered_json(nullptr) : ordered_json(scope);
  }
  return out;
}

ordered_json ExplanationJson(const CompiledPolicy& policy,
                             const RoleSet& principal,
                             const Explanation& explanation,
                             RequestRef request) {
  ordered_json out =
      DecisionJson(policy, principal, explanation.decision, request);
  out["roles"] = explanation.roles;
  ordered_json considered = ordered_json::array();
  for (const ConsideredGrant& grant : explanation.considered) {
    considered.push_back(ordered_json{{"source", grant.source},
                                      {"text", grant.text},
                                      {"role", grant.role},
                                      {"deny", grant.deny},
                                      {"held", grant.held}});
  }
  out["considered"] = std::move(considered);
  return out;
}

std::string DecisionText(const CompiledPolicy& policy, const RoleSet& principal,
                         const Decision& decision, RequestRef request) {
  std::string text = absl::StrCat(decision.allowed ? "allowed" : "denied", " (",
                                  ReasonName(decision.reason), ")");
  std::string grant = policy.DescribeGrant(principal, decision);
  if (!grant.empty()) absl::StrAppend(&text, ": ", grant);
  if (decision.reason == Reason::kScopeMissing) {
    const std::string scope = MissingScope(decision, request);
    absl::StrAppend(&text, ": ",
                    scope.empty()
                        ? std::string("no API key scope covers this action")
                        : absl::StrCat("the key lacks scope `", scope, "`"));
  }
  return text;
}

std::string ExplanationText(const CompiledPolicy& policy,
                            const RoleSet& principal,
                            const Explanation& explanation,
                            RequestRef request) {
  std::string text =
      DecisionText(policy, principal, explanation.decision, request);
  absl::StrAppend(&text, "\nroles: ",
                  explanation.roles.empty()
                      ? std::string("(none)")
                      : absl::StrJoin(explanation.roles, ", "));
  if (explanation.considered.empty()) {
    absl::StrAppend(&text, "\nconsidered: nothing");
    return text;
  }
  absl::StrAppend(&text, "\nconsidered:");
  for (const ConsideredGrant& grant : explanation.considered) {
    absl::StrAppend(&text, "\n  ", grant.held ? "held    " : "not held", "  ",
                    grant.source, "  ", grant.text, "  (role ", grant.role,
                    grant.deny ? ", deny" : "", ")");
  }
  return text;
}

}  // namespace warden::cli_internal
