// Signals held while METIS runs; shared by the clustering and the Rent-exponent measure.
#pragma once

#include <pthread.h>
#include <signal.h>

namespace macroplace::netlist::internal {

// METIS (GKlib) catches SIGTERM and SIGABRT while it runs and longjmps out of whatever it was
// doing, malloc included: a SIGTERM from a job scheduler or a user left the process deadlocked
// in free(). And it puts the previous handlers back with System V signal(), one-shot. While an
// object of this class lives, the two signals stay pending (they arrive when it dies) and the
// process's own dispositions are restored exactly before they do.
class SignalsHeldFromMetis {
 public:
  SignalsHeldFromMetis() {
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &blocked, &mask_);
    sigaction(SIGTERM, nullptr, &term_);
    sigaction(SIGABRT, nullptr, &abort_);
  }
  ~SignalsHeldFromMetis() {
    sigaction(SIGTERM, &term_, nullptr);
    sigaction(SIGABRT, &abort_, nullptr);
    pthread_sigmask(SIG_SETMASK, &mask_, nullptr);
  }
  SignalsHeldFromMetis(const SignalsHeldFromMetis&) = delete;
  SignalsHeldFromMetis& operator=(const SignalsHeldFromMetis&) = delete;

 private:
  sigset_t mask_{};
  struct sigaction term_ {
  }, abort_{};
};

}  // namespace macroplace::netlist::internal
