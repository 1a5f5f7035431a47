// Loader refusal: every buffer that is not a valid bundle is refused with a
// clear message, and no mutation of a valid bundle crashes the loader or a
// check.
#include <cstring>
#include <string>
#include <vector>

#include "engine/bundle_format.h"
#include "engine/compiled_policy.h"
#include "engine/schema/bundle_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_util.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::StatusIs;

std::string SmallBundle() {
  CompileResult r = testing::CompileLines(
      {"role editor: viewer", "document:read(role:viewer)",
       "deny document:delete(guests)", R"(~"buckets/b[0-9]":read(users))",
       "databases/*/collections/c/**:update(user:$owner)"},
      {R"j({"resource": "databases/d/collections/c", "permissions": ["read(\"any\")", "write(\"users\")"], "documentSecurity": true})j",
       R"j({"resource": "databases/d/collections/c/documents/x", "permissions": ["update(\"user:u1\")"]})j"});
  EXPECT_TRUE(r.ok()) << FormatDiagnostics(r.diagnostics);
  return r.bundle;
}

// Re-computes the content hash of a (possibly modified) bundle in place, so
// the checks behind the hash are exercised. Returns false when the buffer has
// no hash field to fix.
bool Rehash(std::string* bytes) {
  if (bytes->size() < 16) return false;
  auto* data = reinterpret_cast<uint8_t*>(bytes->data());
  flatbuffers::Verifier verifier(data, bytes->size());
  if (!fb::VerifyBundleBuffer(verifier)) return false;
  const auto* table = flatbuffers::GetRoot<flatbuffers::Table>(data);
  const uint8_t* field = table->GetAddressOf(fb::Bundle::VT_CONTENT_HASH);
  if (field == nullptr) return false;
  const size_t offset = static_cast<size_t>(field - data);
  flatbuffers::WriteScalar(
      data + offset, bundle_internal::ContentHash(data, bytes->size(), offset));
  return true;
}

// Exercises a loaded policy the way callers do.
void Exercise(const CompiledPolicy& p) {
  RoleSet guest = p.ResolveGuest();
  UserFacts user;
  user.id = "u1";
  user.roles = {"editor"};
  auto rs = p.ResolveUser(user);
  ASSERT_TRUE(rs.ok());
  const AttributeView attrs[] = {{"owner", "u1"}};
  for (const char* path :
       {"databases/d/collections/c/documents/x", "databases/d/collections/c",
        "databases/d/tables/c/rows/y", "buckets/b1", "buckets/b1/files/f"}) {
    for (const char* action : {"read", "create", "update", "delete", "go"}) {
      for (const RoleSet* r : {&guest, &*rs}) {
        Decision d = p.Check(*r, path, action, attrs);
        (void)p.DescribeGrant(*r, d);
        (void)p.Explain(*r, path, action, attrs);
      }
    }
  }
}

TEST(Load, AcceptsAValidBundle) {
  auto loaded = CompiledPolicy::Load(SmallBundle());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  Exercise(**loaded);
}

TEST(Load, RefusesEmptyAndTinyBuffers) {
  EXPECT_THAT(CompiledPolicy::Load(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(CompiledPolicy::Load("WDNB"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("small")));
}

TEST(Load, RefusesGarbage) {
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  EXPECT_THAT(CompiledPolicy::Load(garbage),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Garbage with the right identifier fails the verifier.
  std::memcpy(garbage.data() + 4, "WDNB", 4);
  EXPECT_THAT(
      CompiledPolicy::Load(garbage),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("verification")));
}

TEST(Load, RefusesWrongIdentifier) {
  std::string b = SmallBundle();
  b[4] = 'X';
  EXPECT_THAT(CompiledPolicy::Load(b),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("file identifier")));
}

TEST(Load, RefusesTruncatedBuffers) {
  const std::string b = SmallBundle();
  for (size_t cut : {b.size() - 1, b.size() - 8, b.size() / 2, size_t{17}}) {
    EXPECT_FALSE(CompiledPolicy::Load(b.substr(0, cut)).ok()) << cut;
  }
}

TEST(Load, RefusesOversizedBuffers) {
  LoadOptions options;
  options.max_bundle_bytes = 64;
  EXPECT_THAT(CompiledPolicy::Load(SmallBundle(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_bundle_bytes")));
}

TEST(Load, RefusesTightVerifierBudgets) {
  LoadOptions options;
  options.verifier_max_tables = 2;
  EXPECT_THAT(
      CompiledPolicy::Load(SmallBundle(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("verification")));
}

TEST(Load, RefusesContentHashMismatch) {
  std::string b = SmallBundle();
  // Flip a byte inside the string table (a role name), which the verifier
  // alone cannot notice.
  const size_t at = b.find("role:viewer");
  ASSERT_NE(at, std::string::npos);
  b[at + 5] = 'V';
  EXPECT_THAT(CompiledPolicy::Load(b),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("content hash")));
}

TEST(Load, RefusesWrongVersion) {
  std::string b = SmallBundle();
  auto* data = reinterpret_cast<uint8_t*>(b.data());
  const auto* table = flatbuffers::GetRoot<flatbuffers::Table>(data);
  const uint8_t* field = table->GetAddressOf(fb::Bundle::VT_FORMAT_VERSION);
  ASSERT_NE(field, nullptr);
  flatbuffers::WriteScalar(data + (field - data), uint32_t{99});
  ASSERT_TRUE(Rehash(&b));
  EXPECT_THAT(CompiledPolicy::Load(b),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("format version 99")));
}

TEST(Load, RefusesInconsistentIndexes) {
  std::string b = SmallBundle();
  auto* data = reinterpret_cast<uint8_t*>(b.data());
  // Point an ACL entry at a role id out of range.
  const fb::Bundle* root = fb::GetBundle(data);
  ASSERT_GT(root->acl_entries()->size(), 0u);
  // The role id is the first field of the first entry.
  auto* entry = const_cast<uint8_t*>(root->acl_entries()->Data());
  flatbuffers::WriteScalar(entry, uint32_t{1000});
  ASSERT_TRUE(Rehash(&b));
  EXPECT_THAT(CompiledPolicy::Load(b),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("index check failed")));
}

// Check reads the ACL table through acl_records and acl_lookup; the loader
// checks them word for word against the primary ACL table, so flipping any
// bit of them is refused, even with the content hash fixed up.
TEST(Load, RefusesEveryBitFlipInTheAclRecordsAndLookup) {
  const std::string base = SmallBundle();
  const fb::Bundle* root =
      fb::GetBundle(reinterpret_cast<const uint8_t*>(base.data()));
  ASSERT_NE(root->acl_records(), nullptr);
  ASSERT_NE(root->acl_lookup(), nullptr);
  ASSERT_GT(root->acl_records()->size(), 0u);
  struct Span {
    size_t offset;
    size_t bytes;
  };
  const Span spans[] = {
      {static_cast<size_t>(root->acl_records()->Data() -
                           reinterpret_cast<const uint8_t*>(base.data())),
       root->acl_records()->size() * sizeof(uint32_t)},
      {static_cast<size_t>(root->acl_lookup()->Data() -
                           reinterpret_cast<const uint8_t*>(base.data())),
       root->acl_lookup()->size() * sizeof(uint64_t)},
  };
  int flips = 0;
  for (const Span& span : spans) {
    for (size_t i = span.offset; i < span.offset + span.bytes; ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string b = base;
        b[i] = static_cast<char>(b[i] ^ (1 << bit));
        ASSERT_TRUE(Rehash(&b));
        EXPECT_THAT(CompiledPolicy::Load(b),
                    StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("index check failed")))
            << "byte " << i << " bit " << bit;
        ++flips;
      }
    }
  }
  EXPECT_GT(flips, 100);
}

// Every single-byte mutation is refused, or loads and checks without
// crashing; the same again with the content hash fixed up, so the mutation
// reaches the index checks.
TEST(Load, EveryByteMutationIsSafe) {
  const std::string base = SmallBundle();
  int refused = 0;
  int refused_after_rehash = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}}) {
      std::string b = base;
      b[i] = static_cast<char>(b[i] ^ flip);
      auto loaded = CompiledPolicy::Load(b);
      if (loaded.ok()) {
        Exercise(**loaded);
      } else {
        ++refused;
      }
      if (Rehash(&b)) {
        auto again = CompiledPolicy::Load(b);
        if (again.ok()) {
          Exercise(**again);
        } else {
          ++refused_after_rehash;
        }
      }
    }
  }
  // Without the rehash the content hash catches every flip (the flips inside
  // the hash field itself included).
  EXPECT_EQ(refused, static_cast<int>(2 * base.size()));
  EXPECT_GT(refused_after_rehash, 0);
}

}  // namespace
}  // namespace warden
