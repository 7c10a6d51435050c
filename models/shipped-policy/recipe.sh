#!/usr/bin/env bash
# The recipe of the shipped policy (models/shipped-policy/policy.pt): pre-training on the real
# designs we may train on plus 50 synthetic ones, with 1 learner and 2 collector processes, in
# two stages (every design each iteration, then the real ones each iteration and a few drawn).
# The policy sees the wire mask and the density map (--spatial-features): what each grid cell
# would add to the wirelength for the macro being placed, and how full each cell is. Both mean
# the same on every design, which is what lets the policy carry over to designs outside the
# corpus (docs/PERFORMANCE.md, "The wire mask and density map in pre-training").
# Ariane 133 is held out in every technology (it is the bundled example the Quick start places,
# and what the held-out comparisons in docs/PERFORMANCE.md measure), so NanGate45 and SkyWater 130
# Ariane 133 and Circuit Training's ariane/initial.plc stay out of the corpus.
#
# Usage: models/shipped-policy/recipe.sh [WORK_DIR] [DATA_DIR]
#   WORK_DIR  where the synthetic designs, the corpus list and the run go (default out/shipped-policy)
#   DATA_DIR  the real designs (default ../shared/data, see its README for provenance)
# Each stage stops after the iteration that passes --time-limit, so how many iterations it reaches
# depends on the machine; README.md beside this file says how many the shipped one had. With
# --torch-threads 2 the update is not bit-for-bit repeatable (LibTorch's parallel reductions);
# --torch-threads 1 is, at about half the speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-out/shipped-policy}
data=$(realpath "${2:-../shared/data}")
macroplace=build/cli/macroplace
mkdir -p "$work"
"$macroplace" generate -o "$work/synthetic" --count 50 --seed 1
{
  echo "# real designs (flat ones are clustered on load with our METIS flow)"
  echo "$data/ariane136-asap7/flat.pb.txt.gz"
  echo "$data/ariane136-sky130hd/flat.pb.txt.gz"
  echo "$data/ibm01/ibm01.aux"
  echo "$data/ct/macro_tiles_10x10/netlist.pb.txt"
  echo "# synthetic designs: generate --count 50 --seed 1"
  for i in $(seq 1 50); do echo "synthetic/synthetic-$i/netlist.pb.txt"; done
} > "$work/corpus.txt"
# Stage 1: every design, one episode each, per iteration.
"$macroplace" pretrain "$work/corpus.txt" --out "$work/run" --episodes-per-design 1 \
  --iterations 100000 --time-limit 1500 --threads 2 --torch-threads 2 --collectors 2 --seed 1 \
  --spatial-features
# Stage 2: the real designs in every iteration (uniform draws over this corpus, 93% synthetic,
# starve them), 4 synthetic ones drawn anew, 4 episodes each; minibatches of 64 keep the KL near
# its target.
"$macroplace" pretrain "$work/corpus.txt" --out "$work/run2" --init "$work/run/policy.pt" \
  --designs-per-iteration 8 \
  --every-iteration ariane136-asap7,ariane136-sky130hd,ibm01,macro_tiles_10x10 \
  --episodes-per-design 4 --minibatch 64 --iterations 100000 --time-limit 1800 \
  --threads 2 --torch-threads 2 --collectors 2 --seed 1 --spatial-features
echo "policy: $work/run2/policy.pt (copy it to models/shipped-policy/policy.pt to ship it)"
