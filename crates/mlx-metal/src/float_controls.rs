//! Subnormal float32 values on the GPU.
//!
//! Vulkan leaves it to the driver whether shaders flush f32 subnormal
//! inputs and results to zero, and NVIDIA's do, unless the SPIR-V asks for
//! the `DenormPreserve` execution mode (SPV_KHR_float_controls, core in
//! Vulkan 1.2). wgpu's WGSL path cannot ask, so on a Vulkan adapter that
//! offers `shaderDenormPreserveFloat32` and wgpu's passthrough shaders,
//! the backend writes each kernel's SPIR-V itself with naga, adds the
//! capability and execution mode, and creates the module as passthrough
//! with an explicit bind-group layout taken from the WGSL. A probe kernel
//! decides at open which path keeps subnormals (see [`probe`]).

use crate::context::Gpu;
use mlx_core::{Error, Result};
use naga::back::spv;

/// What the Vulkan driver offers for float controls.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatControls {
    /// The SPIR-V version the device accepts (as wgpu-hal picks it).
    pub(crate) lang_version: (u8, u8),
    /// The driver reports `shaderDenormPreserveFloat32`.
    pub(crate) denorm_preserve: bool,
}

/// The float controls of a Vulkan 1.2+ adapter.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn vulkan_denorm_preserve(adapter: &wgpu::Adapter) -> Option<FloatControls> {
    use ash::vk;
    if adapter.get_info().backend != wgpu::Backend::Vulkan {
        return None;
    }
    // SAFETY: only queries properties of the adapter's physical device
    // through the instance that owns it; nothing is created or destroyed.
    let hal = unsafe { adapter.as_hal::<wgpu::hal::api::Vulkan>() }?;
    let shared = hal.shared_instance();
    if shared.instance_api_version() < vk::API_VERSION_1_1 {
        return None;
    }
    let instance = shared.raw_instance();
    let pd = hal.raw_physical_device();
    // SAFETY: `pd` belongs to `instance`, which is alive (held by `hal`).
    let props = unsafe { instance.get_physical_device_properties(pd) };
    if props.api_version < vk::API_VERSION_1_2 {
        return None;
    }
    let mut fc = vk::PhysicalDeviceFloatControlsProperties::default();
    let mut p2 = vk::PhysicalDeviceProperties2::default().push_next(&mut fc);
    // SAFETY: as above; a 1.1+ instance has vkGetPhysicalDeviceProperties2.
    unsafe { instance.get_physical_device_properties2(pd, &mut p2) };
    let lang_version = if props.api_version >= vk::API_VERSION_1_3 {
        (1, 6)
    } else {
        (1, 5)
    };
    Some(FloatControls {
        lang_version,
        denorm_preserve: fc.shader_denorm_preserve_float32 == vk::TRUE,
    })
}

/// No Vulkan on the web.
#[cfg(target_arch = "wasm32")]
pub(crate) fn vulkan_denorm_preserve(_adapter: &wgpu::Adapter) -> Option<FloatControls> {
    None
}

const OP_EXTENSION: u32 = 10;
const OP_ENTRY_POINT: u32 = 15;
const OP_EXECUTION_MODE: u32 = 16;
const OP_CAPABILITY: u32 = 17;
/// `Capability::DenormPreserve`.
const CAP_DENORM_PRESERVE: u32 = 4464;
/// `ExecutionMode::DenormPreserve`.
const MODE_DENORM_PRESERVE: u32 = 4459;

/// A string operand: UTF-8, NUL-terminated, padded to whole words.
fn string_words(s: &str) -> Vec<u32> {
    let mut bytes = s.as_bytes().to_vec();
    bytes.push(0);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
    bytes
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// `words` (a SPIR-V module) with `OpCapability DenormPreserve`, the
/// float-controls extension and `OpExecutionMode <entry> DenormPreserve
/// 32` for every entry point, each in its section of the module's layout.
pub(crate) fn add_denorm_preserve(words: &[u32]) -> Option<Vec<u32>> {
    const HEADER: usize = 5;
    let mut at = HEADER;
    let mut after_caps = None;
    let mut after_entries = None;
    let mut entries = Vec::new();
    while at < words.len() {
        let count = (words[at] >> 16) as usize;
        let opcode = words[at] & 0xffff;
        if count == 0 || at + count > words.len() {
            return None;
        }
        if opcode != OP_CAPABILITY && after_caps.is_none() {
            after_caps = Some(at);
        }
        if opcode == OP_ENTRY_POINT {
            entries.push(words[at + 2]);
            after_entries = Some(at + count);
        }
        at += count;
    }
    let (after_caps, after_entries) = (after_caps?, after_entries?);
    let ext = string_words("SPV_KHR_float_controls");
    let mut out = Vec::with_capacity(words.len() + 8 + ext.len() + 4 * entries.len());
    out.extend_from_slice(&words[..after_caps]);
    out.extend_from_slice(&[(2 << 16) | OP_CAPABILITY, CAP_DENORM_PRESERVE]);
    out.push(((1 + ext.len() as u32) << 16) | OP_EXTENSION);
    out.extend_from_slice(&ext);
    out.extend_from_slice(&words[after_caps..after_entries]);
    for e in entries {
        out.extend_from_slice(&[(4 << 16) | OP_EXECUTION_MODE, e, MODE_DENORM_PRESERVE, 32]);
    }
    out.extend_from_slice(&words[after_entries..]);
    Some(out)
}

/// A compute pipeline for WGSL `src` (entry point `main`) built through
/// SPIR-V with `DenormPreserve`, with its bind-group layout read from the
/// WGSL's storage and uniform bindings (all in group 0).
pub(crate) fn pipeline(
    device: &wgpu::Device,
    fc: FloatControls,
    key: &str,
    src: &str,
) -> Result<wgpu::ComputePipeline> {
    let fail = |msg: String| Error::Device {
        op: "shader",
        msg: format!("kernel `{key}` failed to build with float controls: {msg}"),
    };
    let module = naga::front::wgsl::parse_str(src).map_err(|e| fail(e.emit_to_string(src)))?;
    let info = naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::all(),
    )
    .validate(&module)
    .map_err(|e| fail(format!("{e:?}")))?;
    let options = spv::Options {
        lang_version: fc.lang_version,
        flags: spv::WriterFlags::empty(),
        // Bindings keep their WGSL numbers: set = group, binding = binding.
        fake_missing_bindings: true,
        bounds_check_policies: naga::proc::BoundsCheckPolicies {
            index: naga::proc::BoundsCheckPolicy::Restrict,
            buffer: naga::proc::BoundsCheckPolicy::Restrict,
            image_load: naga::proc::BoundsCheckPolicy::Restrict,
            binding_array: naga::proc::BoundsCheckPolicy::Unchecked,
        },
        ..spv::Options::default()
    };
    let stage = spv::PipelineOptions {
        shader_stage: naga::ShaderStage::Compute,
        entry_point: "main".into(),
    };
    let words =
        spv::write_vec(&module, &info, &options, Some(&stage)).map_err(|e| fail(e.to_string()))?;
    let words = add_denorm_preserve(&words).ok_or_else(|| fail("malformed SPIR-V".into()))?;
    let ep = module
        .entry_points
        .iter()
        .find(|e| e.name == "main")
        .ok_or_else(|| fail("no entry point `main`".into()))?;
    let [x, y, z] = ep.workgroup_size;
    let mut entries = Vec::new();
    for (_, var) in module.global_variables.iter() {
        let Some(binding) = &var.binding else {
            continue;
        };
        let ty = match var.space {
            naga::AddressSpace::Storage { access } => wgpu::BufferBindingType::Storage {
                read_only: !access.contains(naga::StorageAccess::STORE),
            },
            naga::AddressSpace::Uniform => wgpu::BufferBindingType::Uniform,
            _ => return Err(fail("a binding that is not a buffer".into())),
        };
        if binding.group != 0 {
            return Err(fail("a binding outside group 0".into()));
        }
        entries.push(wgpu::BindGroupLayoutEntry {
            binding: binding.binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        });
    }
    entries.sort_by_key(|e| e.binding);
    let group = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(key),
        entries: &entries,
    });
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(key),
        bind_group_layouts: &[Some(&group)],
        immediate_size: 0,
    });
    let entry = [wgpu::PassthroughShaderEntryPoint {
        name: "main".into(),
        workgroup_size: (x, y, z),
    }];
    // SAFETY: the words are naga's SPIR-V for WGSL that naga validated,
    // plus the float-controls capability, extension and execution mode
    // the adapter reported support for; the layout lists exactly the
    // module's bindings with their access.
    let shader = unsafe {
        device.create_shader_module_passthrough(wgpu::ShaderModuleDescriptorPassthrough {
            label: Some(key),
            entry_points: entry[..].into(),
            spirv: Some(words.into()),
            ..Default::default()
        })
    };
    Ok(
        device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(key),
            layout: Some(&layout),
            module: &shader,
            entry_point: Some("main"),
            compilation_options: wgpu::PipelineCompilationOptions::default(),
            cache: None,
        }),
    )
}

/// The probe kernel: `out = [a0 * a1, a2 * a3]` (`p = [0]`), run on
/// `[1e-38, 0.01, 1e-40, 1.0]`. A GPU that keeps subnormals returns about
/// 1e-40 twice (a subnormal result, and a subnormal input kept); one that
/// flushes returns zeros.
const PROBE: &str = "
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
    out[p[0]] = a[0] * a[1];
    out[p[0] + 1u] = a[2] * a[3];
}
";

/// Whether kernels built the way `gpu` builds them now keep f32
/// subnormal inputs and results (runs the probe kernel and waits).
pub(crate) fn probe(gpu: &Gpu) -> Result<bool> {
    let input: [f32; 4] = [1e-38, 0.01, 1e-40, 1.0];
    let a = gpu.upload("gpu", bytemuck::cast_slice(&input))?;
    let out = gpu.alloc("gpu", 8)?;
    let key = format!("probe_subnormals|{}", gpu.float_controls.is_some());
    let pipeline = gpu.pipeline(&key, || PROBE.to_string())?;
    gpu.dispatch(&pipeline, &[0], &[&a, &out], [1, 1, 1])?;
    let bytes = gpu.read("gpu", &out, 0, 8)?;
    let got: Vec<f32> = bytemuck::pod_collect_to_vec(&bytes);
    let kept = |x: f32, want: f32| (x - want).abs() <= want * 1e-3;
    Ok(kept(got[0], 1e-40) && kept(got[1], 1e-40))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denorm_preserve_lands_in_each_section() {
        let src = "@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n\
                   @compute @workgroup_size(64) fn main() { x[0] = x[1] * x[2]; }";
        let module = naga::front::wgsl::parse_str(src).unwrap();
        let info = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::all(),
        )
        .validate(&module)
        .unwrap();
        let words = spv::write_vec(&module, &info, &spv::Options::default(), None).unwrap();
        let out = add_denorm_preserve(&words).unwrap();
        // Walk the result: capabilities, then the extension, then (after
        // the entry point) the execution mode, in that order.
        let mut at = 5;
        let mut seen = Vec::new();
        while at < out.len() {
            let count = (out[at] >> 16) as usize;
            let op = out[at] & 0xffff;
            match op {
                OP_CAPABILITY if out[at + 1] == CAP_DENORM_PRESERVE => seen.push("cap"),
                OP_CAPABILITY => assert!(!seen.contains(&"ext"), "capability after extension"),
                OP_EXTENSION
                    if out[at + 1..at + count] == string_words("SPV_KHR_float_controls") =>
                {
                    seen.push("ext")
                }
                OP_ENTRY_POINT => seen.push("entry"),
                OP_EXECUTION_MODE if out[at + 2] == MODE_DENORM_PRESERVE => {
                    assert_eq!(out[at + 3], 32);
                    seen.push("mode")
                }
                _ => {}
            }
            at += count;
        }
        assert_eq!(at, out.len());
        assert_eq!(seen, ["cap", "ext", "entry", "mode"]);
        assert_eq!(string_words("ab"), [u32::from_le_bytes(*b"ab\0\0")]);
    }
}
