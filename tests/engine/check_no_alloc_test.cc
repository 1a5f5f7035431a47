// Check() allocates nothing: this binary replaces the global operator
// new/delete with counting versions and checks that many checks on a
// resolved RoleSet allocate zero times.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "engine/compiled_policy.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_util.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// The replacements below pair malloc with free on purpose; g++ cannot see
// that once it inlines them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace warden {
namespace {

TEST(CheckNoAlloc, ZeroAllocationsAcrossManyChecks) {
  auto built = testing::BuildPolicy(
      {"role admin: editor", "role editor: viewer",
       "document:read(role:viewer)", "deny document:delete(guests)",
       "document:update(user:$ownerId)",
       "databases/*/collections/posts/**:read(label:staff)",
       R"(~"buckets/b[0-9]+/files/.*":read(users))", "function:execute(users)",
       "any:archive(role:admin)"},
      {R"j({"resource": "databases/d/collections/c", "permissions": ["read(\"any\")", "write(\"users\")"], "documentSecurity": true})j",
       R"j({"resource": "databases/d/collections/c/documents/x", "permissions": ["update(\"user:u1\")"]})j",
       R"j({"resource": "buckets/b1", "permissions": ["create(\"users\")"]})j"});
  ASSERT_TRUE(built.ok()) << built.status();
  const CompiledPolicy& policy = **built;
  UserFacts facts;
  facts.id = "u1";
  facts.verified = true;
  facts.labels = {"staff"};
  facts.roles = {"admin"};
  auto user = policy.ResolveUser(facts);
  ASSERT_TRUE(user.ok());
  const RoleSet guest = policy.ResolveGuest();
  auto key = policy.ResolveApiKey({"k1", {"documents.read", "files.write"}});
  ASSERT_TRUE(key.ok());
  const AttributeView attrs[] = {{"ownerId", "u1"}};
  const char* paths[] = {"databases/d/collections/c/documents/x",
                         "databases/d/tables/c/rows/y",
                         "databases/d/collections/c",
                         "databases/m/collections/posts/documents/p",
                         "buckets/b1/files/f1",
                         "buckets/b1",
                         "functions/f1",
                         "not/valid/path",
                         ""};
  const char* actions[] = {"read",    "create",  "update", "delete",
                           "execute", "archive", "write"};
  const RoleSet* principals[] = {&*user, &guest, &*key};
  long allowed = 0;
  // Warm-up (lazily built regex automata may allocate once).
  for (const char* path : paths) {
    for (const char* action : actions) {
      for (const RoleSet* p : principals) {
        allowed += policy.Check(*p, path, action, attrs).allowed;
      }
    }
  }
  const long before = g_allocations.load();
  for (int round = 0; round < 200; ++round) {
    for (const char* path : paths) {
      for (const char* action : actions) {
        for (const RoleSet* p : principals) {
          allowed += policy.Check(*p, path, action, attrs).allowed;
        }
      }
    }
  }
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_GT(allowed, 0);
  // The counter works.
  std::vector<int>* v = new std::vector<int>(3);
  delete v;
  EXPECT_GT(g_allocations.load(), after);
}

}  // namespace
}  // namespace warden
