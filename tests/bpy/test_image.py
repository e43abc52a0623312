"""bpy.types.Image: size, pixels (index, slice, assignment, foreach_get/set), scale()."""
import array
import cases
import bpy

_uid = cases.uid

# Byte images quantise to 1/255, so compare with a tolerance larger than that.
TOL = 0.01


def _close(a, b, eps=TOL):
    return cases.close(a, b, eps)


def _new(w=4, h=2, **kw):
    return bpy.data.images.new(_uid("hrimg"), w, h, **kw)


def case_no_render_result_without_render():
    assert "Render Result" not in bpy.data.images, "'Render Result' exists before any render"


def case_new_image_size_and_pixel_count():
    img = _new(4, 2)
    try:
        assert tuple(img.size) == (4, 2), "size is %r, expected (4, 2)" % (tuple(img.size),)
        assert img.size[0] == 4 and img.size[1] == 2, "size[0], size[1] = %r, %r" % (img.size[0], img.size[1])
        assert len(img.pixels) == 4 * 2 * 4, "len(pixels) is %d, expected 32" % len(img.pixels)
    finally:
        bpy.data.images.remove(img)


def case_new_image_is_opaque_black():
    img = _new(3, 3)
    try:
        px = img.pixels[:]
        assert len(px) == 36, "pixels[:] has %d values" % len(px)
        for i in range(0, 36, 4):
            assert _close(px[i:i + 4], (0, 0, 0, 1)), "pixel %d is %r, expected (0,0,0,1)" % (i // 4, tuple(px[i:i + 4]))
    finally:
        bpy.data.images.remove(img)


def case_pixel_index_get_set():
    img = _new(2, 2)
    try:
        img.pixels[0] = 1.0
        img.pixels[5] = 0.5
        assert abs(img.pixels[0] - 1.0) <= TOL, "pixels[0] is %r after setting 1.0" % img.pixels[0]
        assert abs(img.pixels[5] - 0.5) <= TOL, "pixels[5] is %r after setting 0.5" % img.pixels[5]
        assert abs(img.pixels[1]) <= TOL, "pixels[1] changed to %r" % img.pixels[1]
        assert abs(img.pixels[-1] - 1.0) <= TOL, "pixels[-1] (last alpha) is %r" % img.pixels[-1]
    finally:
        bpy.data.images.remove(img)


def case_pixel_index_out_of_range():
    img = _new(2, 2)
    try:
        try:
            img.pixels[16]
        except IndexError:
            pass
        else:
            raise AssertionError("pixels[16] on a 2x2 image did not raise IndexError")
    finally:
        bpy.data.images.remove(img)


def case_pixel_slice_get_and_set():
    img = _new(2, 2)
    try:
        s = img.pixels[0:4]
        assert isinstance(s, (tuple, list)), "pixels[0:4] returned %r" % type(s)
        assert len(s) == 4, "pixels[0:4] has %d values" % len(s)
        img.pixels[4:8] = (1.0, 0.0, 0.0, 1.0)
        assert _close(img.pixels[4:8], (1, 0, 0, 1)), "pixels[4:8] after slice assign %r" % (tuple(img.pixels[4:8]),)
        assert _close(img.pixels[0:4], (0, 0, 0, 1)), "slice assign touched pixel 0: %r" % (tuple(img.pixels[0:4]),)
        try:
            img.pixels[0:4] = (1.0, 1.0)
        except ValueError:
            pass
        else:
            raise AssertionError("assigning 2 values to pixels[0:4] did not raise ValueError")
    finally:
        bpy.data.images.remove(img)


def case_full_assignment():
    img = _new(4, 4)
    try:
        n = len(img.pixels)
        img.pixels = [0.5] * n
        assert _close(img.pixels[:], [0.5] * n), "img.pixels = seq did not store the values"
        vals = [float(i % 4 == 3) for i in range(n)]
        img.pixels[:] = vals
        assert _close(img.pixels[:], vals), "img.pixels[:] = seq did not store the values"
        assert len(img.pixels) == n, "assignment changed pixel count to %d" % len(img.pixels)
    finally:
        bpy.data.images.remove(img)


def case_wrong_length_assignment_raises():
    img = _new(2, 2)
    try:
        for bad in ([0.0] * 15, [0.0] * 17, []):
            try:
                img.pixels = bad
            except ValueError:
                pass
            else:
                raise AssertionError("img.pixels = seq of length %d (needs 16) did not raise ValueError" % len(bad))
            try:
                img.pixels[:] = bad
            except ValueError:
                pass
            else:
                raise AssertionError("img.pixels[:] = seq of length %d (needs 16) did not raise ValueError" % len(bad))
        assert len(img.pixels) == 16, "failed assignment changed the pixel count to %d" % len(img.pixels)
    finally:
        bpy.data.images.remove(img)


def case_foreach_get_list():
    img = _new(2, 2)
    try:
        img.pixels[0] = 1.0
        buf = [0.0] * len(img.pixels)
        img.pixels.foreach_get(buf)
        assert _close(buf[0:4], (1, 0, 0, 1)), "foreach_get into a list gave %r" % (buf[0:4],)
        assert _close(buf, img.pixels[:]), "foreach_get list differs from pixels[:]"
    finally:
        bpy.data.images.remove(img)


def case_foreach_get_array():
    img = _new(2, 2)
    try:
        img.pixels[0] = 1.0
        arr = array.array('f', [0.0] * len(img.pixels))
        img.pixels.foreach_get(arr)
        assert _close(arr, img.pixels[:]), "foreach_get into array('f') differs from pixels[:]"
    finally:
        bpy.data.images.remove(img)


def case_foreach_set():
    img = _new(2, 2)
    try:
        vals = [0.0, 1.0, 0.0, 1.0] * 4
        img.pixels.foreach_set(vals)
        assert _close(img.pixels[:], vals), "foreach_set(list) did not store the values"
        arr = array.array('f', [1.0] * 16)
        img.pixels.foreach_set(arr)
        assert _close(img.pixels[:], [1.0] * 16), "foreach_set(array) did not store the values"
    finally:
        bpy.data.images.remove(img)


def case_float_buffer_image():
    img = _new(2, 1, float_buffer=True)
    try:
        assert len(img.pixels) == 8, "float image len(pixels) %d" % len(img.pixels)
        img.pixels[0] = 0.25
        assert abs(img.pixels[0] - 0.25) < 1e-6, "float image pixels[0] is %r" % img.pixels[0]
    finally:
        bpy.data.images.remove(img)


def case_scale_changes_size_and_pixels():
    img = _new(4, 2)
    try:
        img.scale(8, 4)
        assert tuple(img.size) == (8, 4), "size after scale(8, 4) is %r" % (tuple(img.size),)
        assert len(img.pixels) == 8 * 4 * 4, "len(pixels) after scale is %d, expected 128" % len(img.pixels)
        img.scale(1, 1)
        assert tuple(img.size) == (1, 1), "size after scale(1, 1) is %r" % (tuple(img.size),)
        assert len(img.pixels) == 4, "len(pixels) after scale(1, 1) is %d" % len(img.pixels)
    finally:
        bpy.data.images.remove(img)


def case_removed_image_raises_reference_error():
    img = _new(2, 2)
    bpy.data.images.remove(img)
    try:
        img.size
    except ReferenceError as e:
        assert "StructRNA of type Image has been removed" in str(e), "unexpected message %r" % str(e)
    else:
        raise AssertionError("img.size on a removed image did not raise ReferenceError")


def case_file_roundtrip_save_load_reload():
    import os
    import tempfile
    with tempfile.TemporaryDirectory(prefix="hr-img-") as d:
        _roundtrip(os, d)


def _roundtrip(os, d):
    im = bpy.data.images.new(cases.uid("hr_save"), 3, 2)
    assert im.source == "GENERATED" and im.file_format == "PNG" and im.filepath == ""
    try:
        im.save()
    except RuntimeError as e:
        assert "does not have a file path" in str(e), str(e)
    else:
        raise AssertionError("save() without a file path did not raise")
    im.pixels = [i / 23 for i in range(24)]
    im.filepath_raw = os.path.join(d, "a.png")
    assert im.filepath == os.path.join(d, "a.png")
    im.save()
    back = bpy.data.images.load(os.path.join(d, "a.png"))
    assert back.name == "a.png" and tuple(back.size) == (3, 2) and back.source == "FILE"
    assert cases.close(back.pixels, im.pixels, 1 / 255), list(back.pixels)
    assert bpy.data.images.load(os.path.join(d, "a.png"), check_existing=True) == back
    back.pixels = [0.0] * 24
    back.reload()  # the file's pixels again
    assert cases.close(back.pixels, im.pixels, 1 / 255), list(back.pixels)
    try:
        bpy.data.images.load(os.path.join(d, "missing.png"))
    except RuntimeError as e:
        assert "Cannot read" in str(e), str(e)
    else:
        raise AssertionError("loading a missing file did not raise")


def case_pack_unpack():
    im = bpy.data.images.new(cases.uid("hr_pack"), 4, 4)
    assert im.packed_file is None and im.packed_files == []
    im.pack()
    assert im.packed_file.size == 4 * 4 * 4 * 4, im.packed_file.size
    im.unpack(method="REMOVE")
    assert im.packed_file is None
    try:
        im.unpack()
    except RuntimeError as e:
        assert "not packed" in str(e), str(e)
    else:
        raise AssertionError("unpack() of an unpacked image did not raise")


def case_source_and_format_are_enums():
    im = bpy.data.images.new(cases.uid("hr_enum"), 1, 1)
    im.source = "FILE"
    im.file_format = "JPEG"
    assert (im.source, im.file_format) == ("FILE", "JPEG")
    for attr, bad in (("source", "DISK"), ("file_format", "GIF")):
        try:
            setattr(im, attr, bad)
        except TypeError as e:
            assert bad in str(e), str(e)
        else:
            raise AssertionError("Image.%s = %r accepted" % (attr, bad))


if __name__ == "__main__":
    cases.run(globals())
