// WARDEN_RETURN_IF_ERROR / WARDEN_ASSIGN_OR_RETURN: the Abseil installed here
// (20220623) has no status macros; these forward to the obvious code.
#ifndef WARDEN_ENGINE_INTERNAL_STATUS_MACROS_H_
#define WARDEN_ENGINE_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WARDEN_STATUS_CONCAT_INNER_(a, b) a##b
#define WARDEN_STATUS_CONCAT_(a, b) WARDEN_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define WARDEN_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status warden_status_ = (expr);          \
    if (!warden_status_.ok()) return warden_status_; \
  } while (0)

// `WARDEN_ASSIGN_OR_RETURN(auto x, F());` assigns the value of a StatusOr or
// returns its status.
#define WARDEN_ASSIGN_OR_RETURN(lhs, expr) \
  WARDEN_ASSIGN_OR_RETURN_IMPL_(           \
      WARDEN_STATUS_CONCAT_(warden_statusor_, __LINE__), lhs, expr)
#define WARDEN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // WARDEN_ENGINE_INTERNAL_STATUS_MACROS_H_
