// GoogleTest matchers for absl::Status / absl::StatusOr (the Abseil installed
// here has none): EXPECT_THAT(s, IsOk()), StatusIs(code[, message_matcher]),
// ASSERT_OK_AND_ASSIGN(lhs, expr).
#ifndef WARDEN_TESTS_TESTING_STATUS_MATCHERS_H_
#define WARDEN_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace warden::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code,
          "has code " + std::string(absl::StatusCodeToString(code))) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + std::string(absl::StatusCodeToString(code))) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(s.message()), result_listener);
}

}  // namespace warden::testing

#define WARDEN_TESTING_CONCAT_INNER_(a, b) a##b
#define WARDEN_TESTING_CONCAT_(a, b) WARDEN_TESTING_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                   \
  auto WARDEN_TESTING_CONCAT_(statusor_, __LINE__) = (expr);              \
  ASSERT_TRUE(WARDEN_TESTING_CONCAT_(statusor_, __LINE__).ok())           \
      << WARDEN_TESTING_CONCAT_(statusor_, __LINE__).status().ToString(); \
  lhs = *std::move(WARDEN_TESTING_CONCAT_(statusor_, __LINE__))

#endif  // WARDEN_TESTS_TESTING_STATUS_MATCHERS_H_
