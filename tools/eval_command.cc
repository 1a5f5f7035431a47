// `warden eval`: decides every request of a JSON Lines file, in input order,
// and reports throughput. Requests are parsed and principals resolved first
// (each distinct principal once); only the checks themselves are timed.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/compiled_policy.h"
#include "engine/decision.h"
#include "nlohmann/json.hpp"
#include "parser/json/principal.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace warden::cli_internal {
namespace {

using ::nlohmann::json;
using ::nlohmann::ordered_json;

struct EvalCommandOptions {
  PolicySources sources;
  std::string requests;
  int threads = 1;
  bool json = false;
};

// One non-blank line of the requests file.
struct Item {
  int line = 0;          // 1-based line number in the file
  std::string error;     // why the line is invalid; empty when valid
  int principal = -1;    // index into the resolved principals
  std::string resource;  // normalised
  std::string action;
  size_t attributes_begin = 0;  // range in the flat attribute arrays
  size_t attributes_count = 0;
};

// Resolved principals, each distinct principal JSON once.
class PrincipalCache {
 public:
  explicit PrincipalCache(const CompiledPolicy& policy) : policy_(policy) {}

  // The index of the resolved principal, or why it does not resolve.
  absl::StatusOr<int> Get(const std::string& key, const PrincipalSpec& spec) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      resolved_.push_back(policy_.Resolve(spec));
      it = index_.emplace(key, static_cast<int>(resolved_.size() - 1)).first;
    }
    const absl::StatusOr<RoleSet>& roles = resolved_[it->second];
    if (!roles.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("principal: ", roles.status().message()));
    }
    return it->second;
  }

  const RoleSet& at(int index) const { return *resolved_[index]; }
  size_t size() const { return resolved_.size(); }

 private:
  const CompiledPolicy& policy_;
  absl::flat_hash_map<std::string, int> index_;
  std::vector<absl::StatusOr<RoleSet>> resolved_;
};

// Parses one request line into `item`; returns why it is invalid. The line
// is parsed as JSON here first: to give malformed lines and credential
// principals messages that never repeat the line (it may hold a credential),
// and to key the principal cache on the principal's JSON text.
absl::Status ParseRequestLine(absl::string_view line, PrincipalCache* cache,
                              std::vector<Attribute>* attributes, Item* item) {
  absl::StatusOr<json> value = ParseJsonValue(line, "request");
  if (!value.ok()) return value.status();
  json::const_iterator principal = value->end();
  if (value->is_object()) {
    principal = value->find("principal");
    if (principal != value->end()) {
      if (absl::Status status = RejectUnsupportedPrincipal(*principal);
          !status.ok()) {
        return status;
      }
    }
  }
  absl::StatusOr<RequestSpec> request = ParseRequestJson(line);
  if (!request.ok()) return request.status();
  if (principal == value->end()) {
    return absl::InvalidArgumentError("request has no `principal`");
  }
  if (request->principal.kind == PrincipalKind::kKey ||
      request->principal.kind == PrincipalKind::kJwt) {
    // Unreachable after RejectUnsupportedPrincipal; kept to fail closed.
    return UnsupportedPrincipalError(request->principal.kind);
  }
  // The principal validated, so its JSON is small and shallow: its compact
  // text (keys sorted) is the cache key.
  absl::StatusOr<int> index = cache->Get(
      principal->dump(-1, ' ', false, json::error_handler_t::replace),
      request->principal);
  if (!index.ok()) return index.status();
  item->principal = *index;
  item->resource = std::move(request->resource);
  item->action = std::move(request->action);
  item->attributes_begin = attributes->size();
  item->attributes_count = request->attributes.size();
  for (Attribute& attribute : request->attributes) {
    attributes->push_back(std::move(attribute));
  }
  return absl::OkStatus();
}

// Checks items[work[begin..end)] into decisions (indexed like items).
void CheckRange(const CompiledPolicy& policy, const PrincipalCache& cache,
                const std::vector<Item>& items,
                absl::Span<const AttributeView> views,
                const std::vector<size_t>& work, size_t begin, size_t end,
                std::vector<Decision>* decisions) {
  for (size_t w = begin; w < end; ++w) {
    const Item& item = items[work[w]];
    (*decisions)[work[w]] = policy.Check(
        cache.at(item.principal), item.resource, item.action,
        views.subspan(item.attributes_begin, item.attributes_count));
  }
}

ordered_json InvalidLineJson(const Item& item) {
  ordered_json out = ordered_json::object();
  out["allowed"] = false;
  out["reason"] = std::string(ReasonName(Reason::kInvalidRequest));
  out["grant"] = nullptr;
  out["generation"] = 0;
  out["error"] = ordered_json{{"message", item.error}, {"line", item.line}};
  return out;
}

int RunEval(const EvalCommandOptions& options) {
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      LoadPolicy(options.sources);
  if (!loaded.ok()) return ReportError(loaded.status());
  const CompiledPolicy& policy = **loaded;

  absl::StatusOr<std::string> text =
      ReadInput(options.requests, kMaxRequestsBytes);
  if (!text.ok()) return ReportError(text.status());

  // Parse every request and resolve principals (not timed).
  PrincipalCache cache(policy);
  std::vector<Item> items;
  std::vector<Attribute> attributes;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == absl::string_view::npos) continue;
    Item item;
    item.line = line_number;
    absl::Status status = ParseRequestLine(line, &cache, &attributes, &item);
    if (!status.ok()) {
      item = Item();
      item.line = line_number;
      item.error = std::string(status.message());
    }
    items.push_back(std::move(item));
  }
  std::vector<AttributeView> views;
  views.reserve(attributes.size());
  for (const Attribute& attribute : attributes) {
    views.push_back(AttributeView{attribute.name, attribute.value});
  }
  std::vector<size_t> work;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].error.empty()) work.push_back(i);
  }

  // The checks, timed. Each thread takes one contiguous chunk of the work
  // and writes only its own slots of `decisions`.
  std::vector<Decision> decisions(items.size());
  size_t threads = std::min<size_t>(static_cast<size_t>(options.threads),
                                    std::max<size_t>(work.size(), 1));
  auto start = std::chrono::steady_clock::now();
  if (threads <= 1) {
    CheckRange(policy, cache, items, views, work, 0, work.size(), &decisions);
  } else {
    size_t chunk = (work.size() + threads - 1) / threads;
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t begin = 0; begin < work.size(); begin += chunk) {
      size_t end = std::min(work.size(), begin + chunk);
      pool.emplace_back(CheckRange, std::cref(policy), std::cref(cache),
                        std::cref(items), absl::MakeConstSpan(views),
                        std::cref(work), begin, end, &decisions);
    }
    for (std::thread& thread : pool) thread.join();
  }
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // Output, in input order.
  size_t allowed = 0, denied = 0, invalid = 0;
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    const Decision& decision = decisions[i];
    if (item.error.empty() && decision.reason == Reason::kInvalidRequest) {
      absl::Status why =
          CompiledPolicy::ValidateRequest(item.resource, item.action);
      item.error = why.ok() ? std::string("invalid request")
                            : std::string(why.message());
    }
    if (!item.error.empty()) {
      ++invalid;
      if (options.json) {
        absl::StrAppend(&out, JsonLine(InvalidLineJson(item)), "\n");
      } else {
        absl::StrAppend(&out, "line ", item.line, ": error: ", item.error,
                        "\n");
      }
    } else {
      ++(decision.allowed ? allowed : denied);
      const RoleSet& principal = cache.at(item.principal);
      if (options.json) {
        absl::StrAppend(&out,
                        JsonLine(DecisionJson(policy, principal, decision,
                                              {item.resource, item.action})),
                        "\n");
      } else {
        absl::StrAppend(&out, "line ", item.line, ": ",
                        DecisionText(policy, principal, decision,
                                     {item.resource, item.action}),
                        "\n");
      }
    }
    if (out.size() >= (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out;
  std::cout.flush();

  double checks_per_second =
      work.empty() ? 0.0
                   : static_cast<double>(work.size()) / std::max(elapsed, 1e-9);
  if (options.json) {
    ordered_json summary = ordered_json::object();
    summary["count"] = items.size();
    summary["allowed"] = allowed;
    summary["denied"] = denied;
    summary["invalid"] = invalid;
    summary["principals"] = cache.size();
    summary["threads"] = threads;
    summary["elapsed_seconds"] = elapsed;
    summary["checks_per_second"] = checks_per_second;
    std::cerr << JsonLine(summary) << "\n";
  } else {
    std::cerr << absl::StrFormat(
        "eval: %d requests: %d allowed, %d denied, %d invalid; %d principals; "
        "%.6f s on %d threads, %.0f checks/s\n",
        items.size(), allowed, denied, invalid, cache.size(), elapsed, threads,
        checks_per_second);
  }
  return kExitOk;
}

}  // namespace

Command AddEvalCommand(CLI::App* app) {
  auto options = std::make_shared<EvalCommandOptions>();
  CLI::App* command = app->add_subcommand(
      "eval",
      "Decide every request of a JSON Lines file, in order, with a summary");
  AddPolicySourceOptions(command, &options->sources, /*allow_bundle=*/true);
  command
      ->add_option("--requests", options->requests,
                   "requests, JSON Lines: {\"principal\": {...}, "
                   "\"resource\": ..., \"action\": ..., \"attributes\": {...}}")
      ->required()
      ->type_name("FILE");
  command
      ->add_option("--threads", options->threads,
                   "threads to run the checks on (default 1)")
      ->check(CLI::Range(1, 256))
      ->type_name("N");
  command->add_flag("--json", options->json,
                    "one JSON object per request (and a JSON summary)");
  return Command{command, [options] { return RunEval(*options); }};
}

}  // namespace warden::cli_internal
