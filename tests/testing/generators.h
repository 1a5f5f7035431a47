// Random, reproducible inputs for differential tests: small policies, ACL
// data, principals and requests drawn from small pools of ids, so that grants
// actually match. Everything is driven by one std::mt19937_64 with a fixed
// seed; the same seed gives the same sequence.
#ifndef WARDEN_TESTS_TESTING_GENERATORS_H_
#define WARDEN_TESTS_TESTING_GENERATORS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "parser/rule.h"

namespace warden::testing {

struct GeneratedRequest {
  std::string resource;  // as a client would send it (may be invalid)
  std::string action;    // may be invalid (`write`, `*`, ...)
  std::vector<Attribute> attributes;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  // A valid policy: acyclic role declarations (sometimes re-declared), rules
  // of every pattern kind (any, type, path glob, regex), deny rules, `write`,
  // `*` and custom actions, `$ATTR` roles, and security-flag lines.
  Policy RandomPolicy();
  // Valid ACL data: containers and leaves from the resource pool (no two
  // lines for one resource), entries of every action (`create` only on
  // containers), security flags on collections and buckets, and sometimes
  // function `execute` rules.
  AclData RandomAcl();
  // A guest, a user (teams, labels, custom roles; rarely invalid facts), an
  // explicit role set (rarely with an invalid `$ATTR` role), or an API key.
  PrincipalSpec RandomPrincipal();
  // A resource (mostly from the pool, sometimes in `tables`/`rows` spelling,
  // rarely invalid), an action (built-in, custom, rarely invalid) and
  // attributes (present or absent, valid or invalid user ids).
  GeneratedRequest RandomRequest();

  // Building blocks, exposed for tests.
  Role RandomRuleRole();
  Role RandomAclRole();
  Rule RandomRule();

  std::mt19937_64& rng() { return rng_; }

 private:
  // A uniform integer in [0, n).
  size_t Uniform(size_t n);
  // True with probability percent / 100.
  bool Chance(int percent);
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[Uniform(values.size())];
  }

  std::mt19937_64 rng_;
};

// Human-readable descriptions for failure messages.
// The policy as policy-file text (canonical spellings).
std::string DescribePolicy(const Policy& policy);
// The ACL data as JSON Lines (CLI.md "ACL data"), plus its `execute` rules.
std::string DescribeAcl(const AclData& acl);
// The principal as the principal JSON of CLI.md.
std::string DescribePrincipal(const PrincipalSpec& principal);
std::string DescribeRequest(const GeneratedRequest& request);

// The canonical rule text, written independently of Rule::ToString().
std::string DescribeRule(const Rule& rule);

}  // namespace warden::testing

#endif  // WARDEN_TESTS_TESTING_GENERATORS_H_
