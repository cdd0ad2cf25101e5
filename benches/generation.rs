//! The generator as a whole and stage by stage, on the jobs spec and on synthetic specs of
//! 30, 300 and 3,000 operations: `cargo bench -p benchmarks --bench generation`.
//!
//! Each stage is measured on the output of the stage before it, prepared outside the timed
//! loop, so the stages add up to the whole. The allocator is the xtask's, mimalloc, so the
//! figures are those of `cargo xtask codegen`.

use std::hint::black_box;
use std::time::Duration;

use benchmarks::{Spec, config, specs};
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput, measurement};
use openapi_clientgen::{format, load, lower, render};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generation(c: &mut Criterion) {
    let specs = specs();
    let config = config();

    let mut whole = group(c, "generate");
    for spec in &specs {
        whole.throughput(Throughput::Elements(spec.operations as u64));
        whole.bench_with_input(id(spec), spec, |b, spec| {
            b.iter(|| openapi_clientgen::generate(black_box(&spec.text), &config));
        });
    }
    whole.finish();

    let mut loading = group(c, "load");
    for spec in &specs {
        loading.bench_with_input(id(spec), spec, |b, spec| {
            b.iter(|| load::load(black_box(&spec.text)));
        });
    }
    loading.finish();

    let mut lowering = group(c, "validate_and_lower");
    for spec in &specs {
        let document = load::load(&spec.text).expect("the spec loads");
        lowering.bench_with_input(id(spec), &document, |b, document| {
            b.iter(|| lower::lower(black_box(document), &config));
        });
    }
    lowering.finish();

    let mut rendering = group(c, "render");
    for spec in &specs {
        let api = lowered(spec, &config);
        rendering.bench_with_input(id(spec), &api, |b, api| {
            b.iter(|| render::render(black_box(api), &config));
        });
    }
    rendering.finish();

    let mut formatting = group(c, "format");
    for spec in &specs {
        let rendered = render::render(&lowered(spec, &config), &config).expect("it renders");
        formatting.bench_with_input(id(spec), &rendered, |b, rendered| {
            b.iter_batched(
                || rendered.clone(),
                |files| format::format(files, &config),
                BatchSize::LargeInput,
            );
        });
    }
    formatting.finish();
}

/// A group that takes ten samples: a 3,000-operation spec takes long enough per iteration
/// that criterion's default hundred would keep one run busy for minutes.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group
}

fn id(spec: &Spec) -> BenchmarkId {
    BenchmarkId::from_parameter(&spec.name)
}

fn lowered(spec: &Spec, config: &openapi_clientgen::Config) -> openapi_clientgen::ir::Api {
    let document = load::load(&spec.text).expect("the spec loads");
    lower::lower(&document, config).expect("the spec lowers")
}

criterion::criterion_group!(benches, generation);
criterion::criterion_main!(benches);
