"""cc_static_archives: the static libraries a C library links, for merging.

A bundle's lib<name>.a must hold everything a user's program needs: the model,
the runtime and the kernel ISA's libraries (microkernels included). This rule
lists, in <name>.txt, every static library of its deps' transitive linking
context (one bin-relative path per line) and builds them.
"""

def _impl(ctx):
    libs = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for lib in linker_input.libraries:
                archive = lib.static_library or lib.pic_static_library
                if archive != None and archive not in libs:
                    libs.append(archive)
    listing = ctx.actions.declare_file(ctx.label.name + ".txt")
    ctx.actions.write(listing, "".join([lib.path + "\n" for lib in libs]))
    return [DefaultInfo(files = depset([listing] + libs))]

cc_static_archives = rule(
    implementation = _impl,
    attrs = {"deps": attr.label_list(providers = [CcInfo])},
)
